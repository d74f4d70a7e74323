# Prometheus from Debian's own package, on the same base image as the services (PYTHON_IMAGE: see
# docker/auth.Dockerfile), for docker-compose.monitoring.yml and the Swarm stack (deploy/swarm/images.sh),
# which picks its own scrape configuration with PROMETHEUS_CONFIG. Build from the repository root.
ARG PYTHON_IMAGE=python:3.12-slim
FROM ${PYTHON_IMAGE}

RUN apt-get update \
 && apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o prometheus -g prometheus /prometheus
COPY deploy/prometheus/prometheus.yml /etc/musica/prometheus.yml
COPY deploy/prometheus/swarm.yml /etc/musica/prometheus-swarm.yml
ENV PROMETHEUS_CONFIG=/etc/musica/prometheus.yml

USER prometheus
EXPOSE 9090
# The token reaches Prometheus as a file (its configuration cannot read the environment): from
# METRICS_TOKEN here; the Swarm stack mounts its secret instead.
ENTRYPOINT ["sh", "-c", "umask 077 && printf %s \"$METRICS_TOKEN\" > /tmp/metrics-token && exec prometheus --config.file=\"$PROMETHEUS_CONFIG\" --storage.tsdb.path=/prometheus --web.listen-address=:9090 \"$@\"", "prometheus"]
