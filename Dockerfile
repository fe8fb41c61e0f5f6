# syntax=docker/dockerfile:1
# Build stage: compile the release binary.
FROM rust:1-slim-bookworm AS build
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

# Runtime stage: a small image with the binary, running as a non-root user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data iamlocal \
 && mkdir -p /data && chown iamlocal /data
COPY --from=build /src/target/release/iamlocal /usr/local/bin/iamlocal
USER iamlocal
VOLUME /data
ENV IAMLOCAL_DB=/data/iamlocal.db \
    IAMLOCAL_LISTEN=0.0.0.0:4566
EXPOSE 4566
HEALTHCHECK --interval=5s --timeout=2s --start-period=2s --retries=3 \
  CMD curl -fsS http://127.0.0.1:4566/_iamlocal/health || exit 1
ENTRYPOINT ["/usr/local/bin/iamlocal"]
