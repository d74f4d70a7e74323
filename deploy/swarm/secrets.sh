#!/usr/bin/env bash
# Creates the Docker secrets deploy/swarm/docker-stack.yml uses, named ${MUSICA_SECRET_PREFIX:-musica}_<name>:
#
#   deploy/swarm/secrets.sh --tls-cert site.crt --tls-key site.key [--from-env .env]
#
# Each value comes from the env file when given and set there (DJANGO_SECRET_KEY,
# MUSIC_DJANGO_SECRET_KEY, JWT_SIGNING_KEY, MUSIC_SERVICE_TOKEN, METRICS_TOKEN, SPOTIFY_CLIENT_ID,
# SPOTIFY_CLIENT_SECRET, POSTGRES_PASSWORD), else it is made fresh here (the Spotify keys are then
# empty: music answers from its keyless sources). database_url is built from the PostgreSQL
# password. The env file is read, never executed. Values go to `docker secret create` on its
# standard input: none is printed or passed as an argument. A secret that already exists is kept
# (Docker secrets cannot change: rotate by deploying new names, see deploy/swarm/README.md).
# Run it on a manager node.
set -euo pipefail
umask 077

prefix="${MUSICA_SECRET_PREFIX:-musica}"
env_file="" cert="" key=""
while [ $# -gt 0 ]; do
    case "$1" in
        --from-env) env_file="$2"; shift ;;
        --tls-cert) cert="$2"; shift ;;
        --tls-key) key="$2"; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[ -n "$cert" ] && [ -n "$key" ] || { echo "error: --tls-cert and --tls-key are required" >&2; exit 2; }
[ -r "$cert" ] && [ -r "$key" ] || { echo "error: cannot read $cert or $key" >&2; exit 2; }

from_env() {  # the value of $1 in the env file ("" if absent), quotes stripped
    [ -n "$env_file" ] || return 0
    sed -n "s/^$1=//p" "$env_file" | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
}
fresh() { python3 -c 'import secrets; print(secrets.token_urlsafe(50))'; }

create() {  # create NAME (value on standard input)
    local name="${prefix}_$1"
    if docker secret inspect "$name" >/dev/null 2>&1; then
        cat >/dev/null
        echo "kept    $name (exists)"
    else
        docker secret create --label "org.musica.stack-secrets=$prefix" "$name" - >/dev/null
        echo "created $name"
    fi
}

# database_url holds postgres_password: both are made together, or both kept.
have() { docker secret inspect "${prefix}_$1" >/dev/null 2>&1; }
if { have postgres_password && ! have database_url; } || { ! have postgres_password && have database_url; }; then
    echo "error: only one of ${prefix}_postgres_password and ${prefix}_database_url exists; remove it or" \
        "use another MUSICA_SECRET_PREFIX" >&2
    exit 1
fi
for pair in django_secret_key:DJANGO_SECRET_KEY music_django_secret_key:MUSIC_DJANGO_SECRET_KEY \
            jwt_signing_key:JWT_SIGNING_KEY music_service_token:MUSIC_SERVICE_TOKEN \
            metrics_token:METRICS_TOKEN; do
    value="$(from_env "${pair#*:}")"
    printf '%s' "${value:-$(fresh)}" | create "${pair%%:*}"
done
for pair in spotify_client_id:SPOTIFY_CLIENT_ID spotify_client_secret:SPOTIFY_CLIENT_SECRET; do
    # A secret cannot be empty: a newline is read as "not set" (musica_kit.env strips it).
    printf '%s\n' "$(from_env "${pair#*:}")" | create "${pair%%:*}"
done
password="$(from_env POSTGRES_PASSWORD)"
password="${password:-$(fresh)}"
printf '%s' "$password" | create postgres_password
printf '%s' "$password" | python3 -c \
    'import sys, urllib.parse; print("postgres://musica:" + urllib.parse.quote(sys.stdin.read(), safe="") + "@postgres:5432/musica", end="")' \
    | create database_url
create tls_certificate < "$cert"
create tls_key < "$key"
