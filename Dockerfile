# syntax=docker/dockerfile:1
# The test suite builds only the runtime stage, on a local base and with a binary built on the
# host (tests/image/run.sh): --build-arg RUNTIME_BASE=<image> --build-arg BINARY_STAGE=prebuilt
# --build-arg PREBUILT=<path in the context>. Users build everything with the defaults.
ARG RUNTIME_BASE=gcr.io/distroless/cc-debian12:nonroot
ARG BINARY_STAGE=build
# Build:  docker build -t spotter .
# Run as a sidecar (shares the agent's network namespace, so loopback is enough):
#   docker run --network container:<agent> spotter
# Run standalone with published ports:
#   docker run -e SPOTTER_LISTEN_HOST=0.0.0.0 -p 4317:4317 -p 4318:4318 spotter
# With your own pipeline:  -v $PWD/my.yaml:/etc/spotter/config.yaml -e SPOTTER_CONFIG=/etc/spotter/config.yaml

FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY config ./config
COPY proto ./proto
COPY benches ./benches
COPY tests ./tests
RUN cargo build --release --locked --bin spotter && strip target/release/spotter

# A binary built outside, copied from the build context (only with BINARY_STAGE=prebuilt).
FROM scratch AS prebuilt
ARG PREBUILT=target/release/spotter
COPY ${PREBUILT} /src/target/release/spotter

FROM ${BINARY_STAGE} AS binary

FROM ${RUNTIME_BASE} AS runtime
COPY --from=binary /src/target/release/spotter /usr/local/bin/spotter
COPY config /etc/spotter
USER nonroot:nonroot
EXPOSE 4317 4318 8888 13133
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/spotter", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/spotter"]
CMD ["run"]
