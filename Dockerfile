# parrain in a container: built from source in one stage, run from a small
# distroless image (glibc and CA certificates, no shell) as a non-root user.
#
#   docker build -t parrain .
#   docker run -p 8080:8080 -v parrain-data:/data \
#     -e PARRAIN_PUBLIC_URL=https://refer.example.com parrain
#
# See docs/deployment.md.

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p parrain \
    && install -D target/release/parrain /out/parrain \
    && mkdir -p /out/data

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/parrain /usr/local/bin/parrain
# The volume starts owned by the image's non-root user (uid 65532), so a
# fresh named volume is writable.
COPY --from=build --chown=65532:65532 /out/data /data
ENV PARRAIN_LISTEN=0.0.0.0:8080 \
    PARRAIN_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
# parrain is PID 1: `docker stop` sends it SIGTERM, and it finishes the
# requests in flight before exiting.
ENTRYPOINT ["/usr/local/bin/parrain"]
CMD ["serve"]
