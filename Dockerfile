# syntax=docker/dockerfile:1
# Foresight's services in one image: `docker run IMAGE <command> [flags]`, command one of topics, ingest,
# trainer, scorer, produce (or any other of foresight.jar's). docker-compose.yml and k8s/ run it.
#
#   docker build -t foresight:local .                                # PyTorch CPU natives
#   docker build -t foresight:local-cuda --build-arg MAVEN_PROFILE=cuda .   # CUDA 12.4 natives (GPU)

FROM maven:3.9-eclipse-temurin-17 AS build
# Empty for the CPU build; "cuda" builds with -Pcuda (pytorch-native-cu124 instead of pytorch-native-cpu).
ARG MAVEN_PROFILE=""
WORKDIR /src
COPY pom.xml ./
COPY topics ./topics
COPY src/main ./src/main
# The Maven repository is a build cache, shared between the CPU and the CUDA builds.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q package -DskipTests ${MAVEN_PROFILE:+-P${MAVEN_PROFILE}}

FROM eclipse-temurin:17-jre
# curl for container health checks (GET /health/ready); installed explicitly rather than relied upon.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
# A non-root user owning the writable paths: Kafka Streams state and DJL's cache. Volumes mounted there
# (compose named volumes) start from these folders, so they are writable by this user too.
RUN groupadd --system --gid 10001 foresight \
    && useradd --system --uid 10001 --gid foresight --home-dir /var/lib/foresight --shell /usr/sbin/nologin foresight \
    && mkdir -p /var/lib/foresight/state /var/lib/foresight/djl \
    && chown -R foresight:foresight /var/lib/foresight
# foresight.jar's manifest puts lib/*.jar on its class path.
COPY --from=build /src/target/lib /app/lib
COPY --from=build /src/target/foresight.jar /app/foresight.jar
# DJL_OFFLINE: DJL never reaches for the network (it would at every start otherwise).
# GLIBC_TUNABLES: glibc malloc costs DJL's forward passes about 2x otherwise (DESIGN.md; the same value as
# the ./foresight launcher).
# DJL_CACHE_DIR / ENGINE_CACHE_DIR: at its first start a process extracts PyTorch's native libraries from
# the pytorch-native jar under /app/lib into this folder (hundreds of MiB for the CPU build, a few GiB for
# CUDA); the default, ~/.djl.ai, would not be writable. Mount a volume here to extract once, not per
# container.
# NVIDIA_*: what the NVIDIA container runtime exposes when a GPU is granted; ignored without one.
ENV DJL_OFFLINE=true \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296 \
    DJL_CACHE_DIR=/var/lib/foresight/djl \
    ENGINE_CACHE_DIR=/var/lib/foresight/djl \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
USER foresight
WORKDIR /var/lib/foresight
# /metrics, /health/live, /health/ready (--metrics-port).
EXPOSE 9464
ENTRYPOINT ["java", "-jar", "/app/foresight.jar"]
CMD ["--help"]
