# The Spotify Web API test double (tests/spotify_double/server.py, standard library only) as a
# container, for docker-compose.test.yml. Build context: the repository root.
ARG PYTHON_IMAGE=python:3.12-slim
FROM ${PYTHON_IMAGE}

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app

COPY tests/spotify_double/ /opt/spotify_double/
COPY docker/healthcheck.py /etc/musica/healthcheck.py

ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PORT=8080
USER app:app
EXPOSE 8080

HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python3", "/etc/musica/healthcheck.py", "/_control/health"]

ENTRYPOINT ["python3", "/opt/spotify_double/server.py", "--host", "0.0.0.0", "--port", "8080"]
CMD ["--client-id", "test-client-id", "--client-secret", "test-client-secret", "--synthesize"]
