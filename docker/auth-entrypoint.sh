#!/bin/sh
# auth_service container entrypoint: apply migrations, then exec the command (gunicorn by default).
# Migrations run only for the web server (the enrich runner and one-off commands skip them) and
# can be turned off with DJANGO_MIGRATE=0. The database may still be starting (PostgreSQL in
# the compose scale setup): migrate is retried for up to MIGRATE_TIMEOUT seconds. On PostgreSQL,
# replicas starting together take turns (docker/migrate.py: an advisory lock around migrate).
set -eu
# notas.db and its -wal/-shm files hold password hashes and refresh tokens: owner-only (0600).
umask 077

if [ "${1:-}" = "gunicorn" ] && [ "${DJANGO_MIGRATE:-1}" != "0" ]; then
    deadline=$(( $(date +%s) + ${MIGRATE_TIMEOUT:-60} ))
    until python /etc/musica/migrate.py; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "auth-entrypoint: migrate kept failing for ${MIGRATE_TIMEOUT:-60}s; giving up" >&2
            exit 1
        fi
        echo "auth-entrypoint: migrate failed (database not ready?); retrying in 2s" >&2
        sleep 2
    done
fi

exec "$@"
