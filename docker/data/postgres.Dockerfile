# PostgreSQL 15 from Debian's packages on the local base image (no registry), for the Swarm stack.
# Build context: docker/data/.
#   docker build -f docker/data/postgres.Dockerfile -t musica/postgres docker/data
# The first start creates the cluster in /var/lib/postgresql/data (a named volume) with the user
# and database "musica", its password read from POSTGRES_PASSWORD_FILE (a Docker secret).
ARG PYTHON_IMAGE=musica/python-base:bookworm
FROM ${PYTHON_IMAGE}

RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/no-main-cluster.conf \
 && apt-get update -q \
 && apt-get install -y -q postgresql-15 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* \
 && mkdir -p /var/lib/postgresql/data \
 && chown postgres:postgres /var/lib/postgresql/data \
 && chmod 0700 /var/lib/postgresql/data

COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint

ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
EXPOSE 5432

HEALTHCHECK --interval=5s --timeout=4s --start-period=30s --retries=5 \
    CMD ["pg_isready", "-h", "127.0.0.1", "-U", "musica", "-d", "musica"]

ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]
