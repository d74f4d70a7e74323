# The TLS proxy of the Swarm stack and of docker-compose.tls.yml: Debian's Caddy 2.6 on the local
# base image (no registry). Build context: docker/proxy/.
#   docker build -f docker/proxy/proxy.Dockerfile -t musica/proxy docker/proxy
ARG PYTHON_IMAGE=musica/python-base:bookworm
FROM ${PYTHON_IMAGE}

RUN apt-get update -q \
 && apt-get install -y -q caddy \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* \
 && groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app

COPY Caddyfile /etc/caddy/Caddyfile
COPY tcp_healthcheck.py /etc/musica/tcp_healthcheck.py

# Caddy's data and config folders on the tmpfs at /tmp (the root filesystem is read-only).
ENV XDG_DATA_HOME=/tmp/caddy-data XDG_CONFIG_HOME=/tmp/caddy-config \
    PROXY_HTTP_PORT=8080 PROXY_HTTPS_PORT=8443
USER app:app
EXPOSE 8080 8443

HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python3", "/etc/musica/tcp_healthcheck.py", "8443"]

CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
