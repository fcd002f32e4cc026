# dirgate: a static binary on an empty base image.
#   docker build -t dirgate .
#   docker run -p 8080:8080 -v dirgate-data:/data dirgate
#
# BINARY says where the binary comes from: "build" compiles it in the
# golang image (the default); "prebuilt" takes build/image/ from the
# context, which `make image` fills with a static binary built on the host
# (the same flags) when it builds with buildah, e.g. on a machine that
# reaches no container registry.
ARG BINARY=build

# The build image is pinned by digest (a golang:1.26 image), so a rebuild
# compiles with the same toolchain image until the pin is moved on
# purpose, to the tag's current multi-platform digest:
#   skopeo inspect --format '{{.Digest}}' docker://docker.io/library/golang:1.26
# The final image is FROM scratch: no base to pin.
FROM golang:1.26@sha256:3aff6657219a4d9c14e27fb1d8976c49c29fddb70ba835014f477e1c70636647 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/dirgate/dirgate/internal/version.linked=${VERSION}" \
      -o /out/dirgate ./cmd/dirgate \
 && mkdir -p /out/data \
 && cp /etc/ssl/certs/ca-certificates.crt /out/

FROM scratch AS prebuilt
COPY build/image/ /out/

FROM ${BINARY} AS binary

FROM scratch
ARG VERSION=
# OCI annotations: what this image is, where its source and licence are.
LABEL org.opencontainers.image.title="dirgate" \
      org.opencontainers.image.description="Multi-protocol directory gateway: five legacy user-management APIs over one directory" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/dirgate/dirgate" \
      org.opencontainers.image.documentation="https://github.com/dirgate/dirgate/tree/main/docs" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY LICENSE /usr/share/doc/dirgate/LICENSE
# CA certificates for LDAPS and StartTLS to directories with public certificates.
COPY --from=binary /out/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=binary /out/dirgate /usr/local/bin/dirgate
# The data dir belongs to the unprivileged user dirgate runs as.
COPY --from=binary --chown=65532:65532 /out/data /data
USER 65532:65532
# Inside the container dirgate listens on every interface; publish the port
# to choose who reaches it. The data dir holds the embedded store, the quick
# start's configuration and credentials, and Artica's unix socket.
ENV DIRGATE_LISTEN=0.0.0.0:8080 \
    DIRGATE_DATADIR=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/dirgate", "healthcheck"]
# SIGTERM stops it gracefully (server.shutdownGrace, 4s by default: under
# docker stop's 10s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/dirgate", "serve"]
