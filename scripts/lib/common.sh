# Shared by scripts/*: a project virtualenv that is (re)installed only when requirements change.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"

pick_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

# ensure_venv REQUIREMENTS_FILE: create .venv and install the file when it (or what it includes) changed.
ensure_venv() {
    local requirements="$1" python stamp digest
    if [ ! -x "$VENV/bin/python" ]; then
        python="$(pick_python)"
        echo "==> creating $VENV with $("$python" --version)"
        "$python" -m venv "$VENV" || {
            echo "error: '$python -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)" >&2
            return 1
        }
    fi
    stamp="$VENV/.installed-$(basename "$requirements")"
    # The shared kit (libs/) is installed from its folder: a change to its files reinstalls it too.
    digest="$(cd "$ROOT" && find requirements libs -type f \( -name '*.txt' -o -name '*.py' -o -name '*.toml' -o -name '*.html' -o -name '*.po' -o -name '*.mo' -o -name '*.js' -o -name '*.css' \) \
        -not -path '*/build/*' -not -path '*.egg-info*' | sort | xargs cat | sha256sum | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
        echo "==> installing $requirements"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
        # setuptools builds the kit in its folder: a build/ left from an older version would put
        # modules deleted since back into the venv.
        rm -rf "$ROOT/libs/musica_kit/build" "$ROOT"/libs/musica_kit/*.egg-info
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/$requirements"
        echo "$digest" >"$stamp"
    fi
}

# ensure_env_file: a git-ignored .env with fresh local secrets, made once; then exported. Each
# service has its own Django key (MUSIC_DJANGO_SECRET_KEY is music's); a .env from before that
# split gets the missing one appended. Readable by its owner only.
ensure_env_file() {
    local env_file="$ROOT/.env" python="$VENV/bin/python"
    # Only the standard library is needed: scripts/env runs it before any venv exists.
    [ -x "$python" ] || python="$(pick_python)"
    if [ ! -f "$env_file" ]; then
        echo "==> writing $env_file with fresh local secrets (git-ignored)"
        (umask 077 && "$python" - "$env_file" <<'PY'
import secrets, sys
lines = [
    "# Local secrets made by scripts/run. Never commit this file.",
    f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
    f"MUSIC_DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
    f"JWT_SIGNING_KEY={secrets.token_urlsafe(50)}",
    f"MUSIC_SERVICE_TOKEN={secrets.token_urlsafe(32)}",
    "# The token Prometheus sends to /metrics (empty: no /metrics on either service).",
    f"METRICS_TOKEN={secrets.token_urlsafe(32)}",
    "# Spotify keys (https://developer.spotify.com/dashboard). Empty: Deezer, iTunes, then the offline catalog.",
    "SPOTIFY_CLIENT_ID=",
    "SPOTIFY_CLIENT_SECRET=",
    "# No internet on this machine? Uncomment: the offline catalog alone answers (README, Quick start).",
    "# MUSIC_PROVIDERS=offline",
]
with open(sys.argv[1], "w") as fh:
    fh.write("\n".join(lines) + "\n")
PY
        )
    elif ! grep -q '^MUSIC_DJANGO_SECRET_KEY=' "$env_file"; then
        echo "==> adding music's own MUSIC_DJANGO_SECRET_KEY to $env_file"
        "$python" -c 'import secrets; print("MUSIC_DJANGO_SECRET_KEY=" + secrets.token_urlsafe(50))' >>"$env_file"
    fi
    chmod 600 "$env_file"
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
}

# wait_http URL SECONDS: poll until URL answers 200.
wait_http() {
    local url="$1" deadline=$((SECONDS + ${2:-30}))
    until "$VENV/bin/python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" "$url" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then
            echo "error: $url did not answer within ${2:-30}s" >&2
            return 1
        fi
        sleep 0.3
    done
}
