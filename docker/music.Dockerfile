# music_service image (stateless: no database, no volume). Build from the repository root:
#   docker build -f docker/music.Dockerfile -t musica/music-service .
# PYTHON_IMAGE: see docker/auth.Dockerfile.
ARG PYTHON_IMAGE=python:3.12-slim

# ---------------------------------------------------------------- build: venv + static files
FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DEFAULT_TIMEOUT=60 \
    PYTHONDONTWRITEBYTECODE=1

# Extra CA certificates for pip in this stage only (see docker/certs/README.md).
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
COPY requirements/music.txt /src/requirements/music.txt
COPY libs/ /src/libs/
RUN cd /src && PIP_CERT=/tmp/ca-bundle.pem /opt/venv/bin/pip install -r requirements/music.txt \
 && /opt/venv/bin/python -m compileall -q /opt/venv/lib

WORKDIR /app
COPY music_project/ /app/
# Static files for the browsable API under gunicorn (whitenoise). Throwaway key for this command.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_STATIC_ROOT=/app/staticfiles \
    /opt/venv/bin/python manage.py collectstatic --noinput -v 0 \
 && /opt/venv/bin/python -m compileall -q /app

# ---------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE}

LABEL org.opencontainers.image.title="musica music_service" \
      org.opencontainers.image.description="Song search (Spotify, Deezer, iTunes or the offline catalog), port 5001"

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
COPY docker/gunicorn.conf.py /etc/musica/gunicorn.conf.py
COPY docker/healthcheck.py /etc/musica/healthcheck.py

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    PORT=5001

WORKDIR /app
USER app:app
EXPOSE 5001

HEALTHCHECK --interval=10s --timeout=4s --start-period=20s --retries=3 \
    CMD ["python3", "/etc/musica/healthcheck.py", "/health"]

CMD ["gunicorn", "-c", "/etc/musica/gunicorn.conf.py", "config.wsgi:application"]
