#!/usr/bin/env bash
# Builds the stack's images on this node, tagged musica/<name>:${MUSICA_TAG:-latest}:
# auth-service and music-service (docker/*.Dockerfile), proxy (Caddy), postgres, redis and
# prometheus (Debian packages). PYTHON_IMAGE is their base (default: the local musica/python-base:bookworm
# that scripts/docker-base builds without a registry; python:3.12-slim works where one is reached).
# Other nodes need the same images: push them to a registry, or `docker save` | `docker load`
# (deploy/swarm/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

tag="${MUSICA_TAG:-latest}"
base="${PYTHON_IMAGE:-musica/python-base:bookworm}"
export DOCKER_BUILDKIT=0  # no buildx on these machines: the legacy builder
args=(--build-arg "PYTHON_IMAGE=$base")
[ -n "${http_proxy:-}" ] && args+=(--build-arg "http_proxy=$http_proxy")

build() {  # build NAME DOCKERFILE CONTEXT
    echo "==> musica/$1:$tag" >&2
    docker build -q "${args[@]}" -f "$2" -t "musica/$1:$tag" "$3" >/dev/null
}
build auth-service docker/auth.Dockerfile .
build music-service docker/music.Dockerfile .
build proxy docker/proxy/proxy.Dockerfile docker/proxy
build postgres docker/data/postgres.Dockerfile docker/data
build redis docker/data/redis.Dockerfile docker/data
build prometheus docker/prometheus.Dockerfile .
