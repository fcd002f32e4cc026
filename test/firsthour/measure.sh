#!/usr/bin/env bash
# measure.sh times the README's first hour: from the start of `git clone`
# to `make run` answering and to the first successful call of each
# dialect, with the README's own commands (the figures in README.md's
# quick-start section come from it).
#
#   test/firsthour/measure.sh [cold|warm] [REPO] [PORT]
#
# cold: empty Go module and build caches (every module downloaded, the
# standard library and dirgate compiled); warm: the machine's caches.
# REPO defaults to this checkout, PORT to 18080 (8080 may be in use).
set -euo pipefail
mode=${1:-warm}
repo=${2:-$(git -C "$(dirname "$0")" rev-parse --show-toplevel)}
port=${3:-18080}
work=$(mktemp -d /tmp/dirgate-firsthour.XXXXXX)
if [ "$mode" = cold ]; then export GOMODCACHE=$work/gomod GOCACHE=$work/gocache; fi

t0=$(date +%s.%N)
mark() { printf '%8.1f s  %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$1"; }

git clone -q "$repo" "$work/dirgate"
mark "git clone"
cd "$work/dirgate"
make run LISTEN=127.0.0.1:$port >"$work/run.out" 2>&1 &
run=$!
stop() { pkill -P "$run" 2>/dev/null || true; kill "$run" 2>/dev/null || true; wait "$run" 2>/dev/null || true; }
trap stop EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
  kill -0 "$run" 2>/dev/null || { echo "make run stopped:"; cat "$work/run.out"; exit 1; }
  sleep 0.2
done
mark "make run answers /healthz"

base=http://127.0.0.1:$port
CREDS=dirgate-data/initial-credentials.json
ADMIN_PASSWORD=$(jq -r .admin.password $CREDS)
ADWEB_KEY=$(jq -r .adweb.apiKey $CREDS)
ADWEB_SECRET=$(jq -r .adweb.apiSecret $CREDS)
KANBOARD_TOKEN=$(jq -r .kanboard.token $CREDS)
curl -sf --unix-socket dirgate-data/articarest.sock http://localhost/ping | grep -q '"Status": true'
mark "Artica"
curl -sf -H "ApiKey: $ADWEB_KEY" -H "ApiSecret: $ADWEB_SECRET" \
  "$base/restapi/getdn?samAccountName=admin&FQDN=example.com" | grep -q '"success":true'
mark "AD-web"
PI_TOKEN=$(curl -sf "$base/auth" -d username=admin --data-urlencode "password=$ADMIN_PASSWORD" | jq -r .result.value.token)
curl -sf -H "PI-Authorization: $PI_TOKEN" "$base/user/?realm=local" | grep -q '"status":true'
mark "privacyIDEA"
curl -sf -u "jsonrpc:$KANBOARD_TOKEN" -d '{"jsonrpc":"2.0","method":"getAllUsers","id":1}' "$base/jsonrpc.php" |
  grep -q '"result"'
mark "Kanboard"
TOKEN=$(jq -n --arg p "$ADMIN_PASSWORD" '{username: "admin", password: $p}' |
  curl -sf "$base/api/login" -H 'Content-Type: application/json' -d @- | jq -r .token)
curl -sf -H "Authorization: Bearer $TOKEN" "$base/api/users" | grep -q totalCount
mark "OpenAPI"
echo "(work dir $work; load average: $(cut -d' ' -f1-3 /proc/loadavg))"
