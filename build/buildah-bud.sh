#!/usr/bin/env bash
# buildah-bud.sh is `make image` without a docker daemon: buildah bud with
# the given arguments (in docker format, which keeps HEALTHCHECK), then
# the removal of what buildah (1.28, Debian 12) leaves behind for the
# Dockerfile's `FROM ${BINARY} AS binary` stage: a working container and
# its untagged image, 20 MB per build. Only the containers and untagged
# images that appeared during this build are removed.
#
#   BUILDAH_FLAGS="--storage-driver vfs" build/buildah-bud.sh -t dirgate:latest .
set -euo pipefail
read -r -a flags <<<"${BUILDAH_FLAGS:-}"
b() { buildah "${flags[@]}" "$@"; }
containers_before=$(b containers -aq)
images_before=$(b images -q --filter dangling=true)
status=0
b bud --format docker --isolation chroot "$@" || status=$?
for c in $(b containers -aq); do
  grep -qxF "$c" <<<"$containers_before" || b rm "$c" >/dev/null
done
for i in $(b images -q --filter dangling=true); do
  grep -qxF "$i" <<<"$images_before" || b rmi "$i" >/dev/null
done
exit "$status"
