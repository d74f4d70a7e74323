#!/bin/sh
# First start: create the cluster (user and database "musica", password from POSTGRES_PASSWORD_FILE,
# password logins over the network only). Every start: run PostgreSQL in the foreground.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD_FILE:?set POSTGRES_PASSWORD_FILE (a Docker secret)}"
    initdb --username=musica --pwfile="$POSTGRES_PASSWORD_FILE" --auth-local=peer \
        --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
    echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
    echo "CREATE DATABASE musica;" | postgres --single -D "$PGDATA" postgres >/dev/null
    echo "postgres-entrypoint: created the cluster in $PGDATA" >&2
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp "$@"
