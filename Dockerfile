# syntax=docker/dockerfile:1
# Build stage: compile the release binary.
FROM rust:1.95.0-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY codegen ./codegen
COPY src ./src
COPY migrations ./migrations
COPY model ./model
COPY data ./data
COPY benches ./benches
RUN cargo build --release --locked --bin iamlocal \
 && strip target/release/iamlocal

# Runtime stage: a small image with the binary, running as a non-root user. The health check
# is the binary's own `healthcheck` subcommand, so no HTTP client is installed.
FROM debian:12.12-slim
RUN useradd --system --uid 10001 --home-dir /data iamlocal \
 && mkdir -p /data && chown iamlocal /data
COPY --from=build /src/target/release/iamlocal /usr/local/bin/iamlocal
USER iamlocal
VOLUME /data
ENV IAMLOCAL_DB=/data/iamlocal.db \
    IAMLOCAL_LISTEN=0.0.0.0:4566
EXPOSE 4566
HEALTHCHECK --interval=5s --timeout=2s --start-period=2s --retries=3 \
  CMD ["/usr/local/bin/iamlocal", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/iamlocal"]
