# The Deezer and iTunes Search API test doubles (tests/keyless_double/server.py, standard library only)
# as one container, for docker-compose.test.yml. Build context: the repository root.
ARG PYTHON_IMAGE=python:3.12-slim
FROM ${PYTHON_IMAGE}

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app

COPY tests/keyless_double/server.py tests/keyless_double/recorded.json /opt/keyless_double/
COPY docker/healthcheck.py /etc/musica/healthcheck.py

ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PORT=8080
USER app:app
EXPOSE 8080

HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python3", "/etc/musica/healthcheck.py", "/_control/health"]

ENTRYPOINT ["python3", "/opt/keyless_double/server.py", "--host", "0.0.0.0", "--port", "8080"]
CMD ["--synthesize"]
