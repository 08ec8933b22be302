# localiam container image: one static binary in an otherwise empty image.
#
#   docker build -t localiam .
#   docker run --rm -p 4593:4593 localiam
#
# Stages:
#   builder              compiles a static binary (glibc, +crt-static) with the `image` cargo profile
#   rootfs-from-builder  the files the final image holds, under /rootfs (the default BINARY_STAGE)
#   prebuilt             the same files from the build context (`rootfs/localiam`, `rootfs/data/`,
#                        `rootfs/tmp/`); lets scripts/test-image build and test the final stage from a
#                        binary built on the host, without pulling the Rust image
#   image                the final image, FROM scratch (the last stage, so the default target)
#
# Configuration is by environment: every `localiam serve` flag has a LOCALIAM_* twin
# (LOCALIAM_LISTEN, LOCALIAM_STATE, LOCALIAM_ACCOUNT_ID, LOCALIAM_REGION, LOCALIAM_ROOT_ACCESS_KEY_ID,
# LOCALIAM_ROOT_SECRET_ACCESS_KEY, LOCALIAM_AUTH, LOCALIAM_ENFORCE, LOCALIAM_LOG_FORMAT); see README.md.
# State is in memory unless LOCALIAM_STATE names a file, e.g. LOCALIAM_STATE=/data/iam.db with a
# volume on /data.

ARG RUST_IMAGE=rust:1-bookworm
ARG BINARY_STAGE=rootfs-from-builder

FROM ${RUST_IMAGE} AS builder
WORKDIR /src
COPY . .
# An explicit --target keeps +crt-static off build scripts and proc macros, which must stay dynamic.
# getrandom 0.4 finds glibc's getrandom() with dlsym, which a static binary cannot do, and would fall
# back to /dev/urandom; linux_getrandom links the call directly so no /dev is needed.
RUN set -eux; \
    target="$(rustc -vV | sed -n 's/^host: //p')"; \
    RUSTFLAGS='-C target-feature=+crt-static --cfg getrandom_backend="linux_getrandom"' \
        cargo build --locked --profile image --target "$target" --bin localiam; \
    mkdir -p /rootfs/data /rootfs/tmp; \
    cp "target/$target/image/localiam" /rootfs/localiam; \
    /rootfs/localiam --version

FROM scratch AS rootfs-from-builder
COPY --from=builder /rootfs/ /rootfs/

FROM scratch AS prebuilt
COPY rootfs/ /rootfs/

# BuildKit (Docker's default builder since 23.0) and buildah build only the stages the target needs,
# so with BINARY_STAGE=prebuilt the Rust image is never pulled, and by default `prebuilt` (whose
# rootfs/ is not in the repository) is never built. The legacy builder (DOCKER_BUILDKIT=0) builds every
# stage and fails on `prebuilt`.
FROM ${BINARY_STAGE} AS binary

FROM scratch AS image
# VERSION follows Cargo.toml (scripts/test-image checks that they agree). SOURCE_URL is the repository
# the image is built from: no public URL is recorded in this repository, so it is empty unless the
# publisher passes --build-arg SOURCE_URL=... (an invented default would be a false label).
ARG VERSION=0.1.0
ARG SOURCE_URL=
LABEL org.opencontainers.image.title="localiam" \
      org.opencontainers.image.description="A local, AWS-compatible IAM + STS endpoint" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="Apache-2.0"
# The server runs as 65532, so the state directory and the temporary directory (SQLite's spill
# files) belong to it; the binary stays root-owned and read-only to it.
COPY --from=binary --chown=65532:65532 /rootfs/tmp /tmp
COPY --from=binary --chown=65532:65532 /rootfs/data /data
COPY --from=binary /rootfs/localiam /localiam
ENV LOCALIAM_LISTEN=0.0.0.0:4593 \
    LOCALIAM_STATE=:memory:
USER 65532:65532
WORKDIR /data
VOLUME ["/data"]
EXPOSE 4593
# Exec form: there is no shell in the image. `health` reads LOCALIAM_LISTEN and probes loopback.
HEALTHCHECK --interval=10s --timeout=3s --start-period=2s --retries=3 CMD ["/localiam", "health"]
ENTRYPOINT ["/localiam"]
CMD ["serve"]
