# todod container image for users with a container engine (docker build / podman build /
# minikube image build). Machines without registry access build the same image with
# scripts/image.sh (Debian packages via mmdebstrap, assembled with umoci); see charts/todod/README.md.
#
#   docker build -t todod:0.1.0 .
#
# Stage 1 compiles todod with the Debian 12 toolchain; stage 2 is bookworm-slim with only the
# runtime libraries (image/runtime-packages), the binary and the migrations, running as 65532.

FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential meson ninja-build pkg-config \
      libgrpc-dev protobuf-c-compiler libprotobuf-c-dev \
      libpq-dev libjansson-dev libcmocka-dev libjwt-dev libssl-dev libical-dev libwebsockets-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY meson.build ./
COPY protos protos
COPY src src
COPY test test
COPY migrations migrations
# The project's default build type (debugoptimized, -O2, as scripts/image.sh ships), debug info
# stripped. (--buildtype=release adds -O3, where GCC 12 warns maybe-uninitialized in src/config.c
# and -Werror stops the build.)
RUN meson setup /build --prefix=/usr \
 && ninja -C /build src/todod \
 && strip --strip-debug /build/src/todod

FROM debian:bookworm-slim
COPY image/runtime-packages /tmp/runtime-packages
RUN apt-get update \
 && grep -v '^#' /tmp/runtime-packages | xargs env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages
COPY image/passwd image/group image/nsswitch.conf /etc/
COPY --from=build /build/src/todod /usr/bin/todod
COPY migrations /usr/share/todod/migrations
ENV TODOD_MIGRATIONS_DIR=/usr/share/todod/migrations
USER 65532:65532
EXPOSE 50051 8080
ENTRYPOINT ["/usr/bin/todod"]
