# auth_service image. Build from the repository root:
#   docker build -f docker/auth.Dockerfile -t musica/auth-service .
# PYTHON_IMAGE: any Debian-based image with python3 and its venv module (default: the official
# slim image; CI passes a local one built by scripts/docker-base, as no registry is reachable).
ARG PYTHON_IMAGE=python:3.12-slim

# ---------------------------------------------------------------- build: venv + static files
FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DEFAULT_TIMEOUT=60 \
    PYTHONDONTWRITEBYTECODE=1

# Extra CA certificates (docker/certs/*.crt) for networks with an HTTPS-inspecting proxy: added to
# pip's bundle in this stage only. With none there (only the README) this changes nothing.
COPY docker/certs/ /tmp/extra-certs/
RUN set -eu; \
    python3 -m venv /opt/venv; \
    bundle=/tmp/ca-bundle.pem; \
    cat "$(/opt/venv/bin/python -c 'from pip._vendor import certifi; print(certifi.where())')" > "$bundle"; \
    for cert in /tmp/extra-certs/*.crt; do \
        [ -f "$cert" ] || continue; \
        echo "adding CA certificate $(basename "$cert") to pip's bundle"; \
        cat "$cert" >> "$bundle"; echo >> "$bundle"; \
    done

# The requirements name the shared kit by its folder (./libs/musica_kit): install from a copy of both.
COPY requirements/auth.txt /src/requirements/auth.txt
COPY libs/ /src/libs/
RUN cd /src && PIP_CERT=/tmp/ca-bundle.pem /opt/venv/bin/pip install -r requirements/auth.txt \
 && /opt/venv/bin/python -m compileall -q /opt/venv/lib

WORKDIR /app
COPY auth_project/ /app/
# Static files for whitenoise, collected now so the image serves admin and browsable-API CSS
# under gunicorn. The throwaway keys exist only for this command (settings refuse to load
# without keys when DEBUG is off); they are not in any layer's environment.
RUN DJANGO_SECRET_KEY=collectstatic-only JWT_SIGNING_KEY=collectstatic-only \
    DJANGO_STATIC_ROOT=/app/staticfiles DATABASE_URL=sqlite:////tmp/collectstatic.db \
    /opt/venv/bin/python manage.py collectstatic --noinput -v 0 \
 && rm -f /tmp/collectstatic.db \
 && /opt/venv/bin/python -m compileall -q /app

# ---------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE}

LABEL org.opencontainers.image.title="musica auth_service" \
      org.opencontainers.image.description="Users, JWT and notes (Django + DRF), port 5000"

# A fixed uid/gid so volume ownership stays stable across rebuilds.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
 && mkdir -p /data \
 && chown app:app /data \
 && chmod 0750 /data

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
COPY docker/gunicorn.conf.py /etc/musica/gunicorn.conf.py
COPY docker/healthcheck.py /etc/musica/healthcheck.py
COPY docker/migrate.py /etc/musica/migrate.py
COPY docker/auth-entrypoint.sh /usr/local/bin/auth-entrypoint

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DATABASE_URL=sqlite:////data/notas.db \
    PORT=5000

WORKDIR /app
# /data holds notas.db: mount a named volume there (compose does) to keep notes across restarts.
USER app:app
EXPOSE 5000

HEALTHCHECK --interval=10s --timeout=4s --start-period=30s --retries=3 \
    CMD ["python3", "/etc/musica/healthcheck.py", "/health"]

ENTRYPOINT ["/usr/local/bin/auth-entrypoint"]
CMD ["gunicorn", "-c", "/etc/musica/gunicorn.conf.py", "config.wsgi:application"]
