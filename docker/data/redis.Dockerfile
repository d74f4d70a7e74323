# Redis 7 from Debian's packages on the local base image (no registry), for the Swarm stack.
# Build context: docker/data/.
#   docker build -f docker/data/redis.Dockerfile -t musica/redis docker/data
ARG PYTHON_IMAGE=musica/python-base:bookworm
FROM ${PYTHON_IMAGE}

RUN apt-get update -q \
 && apt-get install -y -q redis-server \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* \
 && mkdir -p /data \
 && chown redis:redis /data

USER redis
WORKDIR /data
EXPOSE 6379

HEALTHCHECK --interval=5s --timeout=4s --start-period=10s --retries=5 \
    CMD ["redis-cli", "ping"]

# The search cache and the limits' counters: an append-only file in the volume keeps them across a
# restart of the task; protected mode off because only the stack's network reaches it.
CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data", \
     "--appendonly", "yes", "--save", ""]
