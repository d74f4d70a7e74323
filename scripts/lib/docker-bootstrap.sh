# shellcheck shell=bash
# Docker bootstrap helpers, sourced by scripts/docker-base and scripts/test-docker.
#
# On a fresh Debian 12 machine with no container registry in reach (only Debian's
# apt mirror and PyPI), this gets a usable Docker engine and a local Python base
# image:
#   1. apt-get install docker.io docker-compose debootstrap (when missing);
#   2. start dockerd in the background when `docker info` fails;
#   3. build the base image from `debootstrap --variant=minbase bookworm`
#      + `docker import`, then add Debian's python3/python3-venv/ca-certificates
#      (skipped when the image already exists with the same recipe);
#   4. copy the host's locally added CA certificates into docker/certs/ so pip
#      inside a build trusts an HTTPS-inspecting proxy.
# Every step is timed.
#
# Tunables (environment):
#   MUSICA_BASE_IMAGE     python base image to build (musica/python-base:bookworm)
#   MUSICA_ROOTFS_IMAGE   imported debootstrap rootfs   (musica/debian-minbase:bookworm)
#   MUSICA_SUITE          Debian suite for debootstrap   (bookworm)
#   MUSICA_REBUILD_BASE=1 rebuild both base images even when present
#   DOCKER_MTU            dockerd --mtu (default: the MTU of the default-route
#                         interface, else 1400)
#   DOCKERD_LOG           dockerd log file (/var/log/musica-dockerd.log)
#   DOCKERD_TIMEOUT       seconds to wait for dockerd (90)

MUSICA_BASE_IMAGE="${MUSICA_BASE_IMAGE:-musica/python-base:bookworm}"
MUSICA_ROOTFS_IMAGE="${MUSICA_ROOTFS_IMAGE:-musica/debian-minbase:bookworm}"
MUSICA_SUITE="${MUSICA_SUITE:-bookworm}"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/musica-dockerd.log}"
DOCKERD_TIMEOUT="${DOCKERD_TIMEOUT:-90}"

# The legacy builder: there is no buildx on these machines, and compose 1.29
# builds through docker-py unless told otherwise.
export DOCKER_BUILDKIT=0
export COMPOSE_DOCKER_CLI_BUILD=0

_MUSICA_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MUSICA_REPO_ROOT="${MUSICA_REPO_ROOT:-$(cd "$_MUSICA_LIB_DIR/../.." && pwd)}"

# ---------------------------------------------------------------- logging/timing

log() { printf '[%s] %s\n' "${MUSICA_LOG_TAG:-docker}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

declare -a MUSICA_TIMINGS=()

# timed "label" cmd args... : runs the command, records and prints its duration.
timed() {
  local label="$1"; shift
  local start end rc=0
  start=$(date +%s.%N)
  log "==> $label"
  "$@" || rc=$?
  end=$(date +%s.%N)
  local secs
  secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
  MUSICA_TIMINGS+=("$(printf '%-52s %7ss%s' "$label" "$secs" "$([ "$rc" -ne 0 ] && echo "  (FAILED rc=$rc)")")")
  log "<== $label: ${secs}s$([ "$rc" -ne 0 ] && echo " (FAILED rc=$rc)")"
  return "$rc"
}

print_timings() {
  [ "${#MUSICA_TIMINGS[@]}" -eq 0 ] && return 0
  printf '\n%s timings:\n' "${MUSICA_LOG_TAG:-docker}" >&2
  printf '  %s\n' "${MUSICA_TIMINGS[@]}" >&2
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root for: $*"
  fi
}

# ---------------------------------------------------------------- 1. packages

ensure_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  # scripts/test-docker runs pytest from the project's .venv (python3 -m venv needs ensurepip).
  python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
  if [ "${#missing[@]}" -eq 0 ]; then
    log "packages present: dockerd, docker-compose, debootstrap"
    return 0
  fi
  log "installing: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
}

# ---------------------------------------------------------------- 2. dockerd

_default_mtu() {
  local dev mtu
  dev=$(ip route show default 2>/dev/null | awk '/default/ { for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
  if [ -n "$dev" ] && [ -r "/sys/class/net/$dev/mtu" ]; then
    mtu=$(cat "/sys/class/net/$dev/mtu")
  fi
  echo "${mtu:-1400}"
}

ensure_dockerd() {
  if docker info >/dev/null 2>&1; then
    log "dockerd already running ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    return 0
  fi
  local mtu="${DOCKER_MTU:-$(_default_mtu)}"
  log "starting dockerd --mtu $mtu (log: $DOCKERD_LOG)"
  as_root mkdir -p "$(dirname "$DOCKERD_LOG")"
  # setsid + nohup: the daemon outlives this script (and its EXIT trap).
  as_root setsid nohup dockerd --mtu "$mtu" >>"$DOCKERD_LOG" 2>&1 </dev/null &
  local waited=0
  until docker info >/dev/null 2>&1; do
    if [ "$waited" -ge "$DOCKERD_TIMEOUT" ]; then
      log "dockerd did not answer within ${DOCKERD_TIMEOUT}s; last log lines:"
      tail -n 30 "$DOCKERD_LOG" >&2 || true
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "dockerd up after ${waited}s ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
}

# ---------------------------------------------------------------- apt config of the host

# The first mirror URI the host's apt uses for suite $1 (deb822 or one-line format).
_host_mirror_for_suite() {
  local suite="$1" f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '
      function flush() { if (uris != "" && (" " suites " ") ~ (" " suite " ") && types ~ /(^| )deb( |$)/) { split(uris, u, " "); print u[1]; found = 1; exit } uris = ""; suites = ""; types = "" }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^Types:/  { sub(/^Types:[ \t]*/, ""); types = $0 }
      /^URIs:/   { sub(/^URIs:[ \t]*/, ""); uris = $0 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
      END { if (!found) flush() }
    ' "$f"
  done | head -n 1 | grep . && return 0
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk -v suite="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) { print $i; exit } }'
}

# Sets DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR, APT_PROXY, APT_CHECK_VALID_UNTIL
# from the host's apt configuration so debootstrap and the image's apt behave
# like the host's.
detect_apt_config() {
  DEBIAN_MIRROR="${DEBIAN_MIRROR:-$(_host_mirror_for_suite "$MUSICA_SUITE" || true)}"
  DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-$(_host_mirror_for_suite "$MUSICA_SUITE-security" || true)}"
  DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
  local proxy="" valid="true"
  if command -v apt-config >/dev/null 2>&1; then
    eval "$(apt-config shell proxy Acquire::http::Proxy valid Acquire::Check-Valid-Until 2>/dev/null)"
  fi
  APT_PROXY="${APT_PROXY:-${proxy:-${http_proxy:-}}}"
  APT_CHECK_VALID_UNTIL="${valid:-true}"
  log "apt: mirror=$DEBIAN_MIRROR security=$DEBIAN_SECURITY_MIRROR proxy=${APT_PROXY:-none} check-valid-until=$APT_CHECK_VALID_UNTIL"
}

# ---------------------------------------------------------------- 3. base image

_image_label() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null; }

_base_recipe_hash() {
  # Rebuild when the recipe or the mirror changes.
  {
    cat "$MUSICA_REPO_ROOT/docker/base/python-base.Dockerfile"
    echo "$MUSICA_SUITE $DEBIAN_MIRROR $DEBIAN_SECURITY_MIRROR $APT_CHECK_VALID_UNTIL"
  } | sha256sum | cut -c1-16
}

build_rootfs_image() {
  if [ "${MUSICA_REBUILD_BASE:-0}" != 1 ] && docker image inspect "$MUSICA_ROOTFS_IMAGE" >/dev/null 2>&1; then
    log "rootfs image $MUSICA_ROOTFS_IMAGE present: skipping debootstrap"
    return 0
  fi
  local work rc=0
  work=$(as_root mktemp -d /var/tmp/musica-rootfs.XXXXXX)
  log "debootstrap --variant=minbase $MUSICA_SUITE $work/rootfs $DEBIAN_MIRROR"
  # shellcheck disable=SC2016
  as_root env ${APT_PROXY:+http_proxy="$APT_PROXY"} debootstrap --variant=minbase \
    --include=ca-certificates "$MUSICA_SUITE" "$work/rootfs" "$DEBIAN_MIRROR" \
    >"$work/debootstrap.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$work/debootstrap.log" >&2
    as_root rm -rf "$work"
    return "$rc"
  fi
  # Trim what a container never needs before importing.
  as_root rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  as_root tar -C "$work/rootfs" --numeric-owner -c . \
    | docker import \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["/bin/bash"]' \
        - "$MUSICA_ROOTFS_IMAGE" >/dev/null || rc=$?
  as_root rm -rf "$work"
  [ "$rc" -eq 0 ] && log "imported $MUSICA_ROOTFS_IMAGE"
  return "$rc"
}

build_python_base_image() {
  local want
  want=$(_base_recipe_hash)
  if [ "${MUSICA_REBUILD_BASE:-0}" != 1 ] \
     && [ "$(_image_label "$MUSICA_BASE_IMAGE" org.musica.base.recipe)" = "$want" ]; then
    log "base image $MUSICA_BASE_IMAGE present (recipe $want): skipping"
    return 0
  fi
  timed "debootstrap + docker import $MUSICA_ROOTFS_IMAGE" build_rootfs_image || return $?
  timed "python3 layer $MUSICA_BASE_IMAGE" _build_python_layer "$want"
}

_build_python_layer() {
  local want="$1"
  docker build -q \
    -f "$MUSICA_REPO_ROOT/docker/base/python-base.Dockerfile" \
    --build-arg "ROOTFS_IMAGE=$MUSICA_ROOTFS_IMAGE" \
    --build-arg "DEBIAN_SUITE=$MUSICA_SUITE" \
    --build-arg "DEBIAN_MIRROR=$DEBIAN_MIRROR" \
    --build-arg "DEBIAN_SECURITY_MIRROR=$DEBIAN_SECURITY_MIRROR" \
    --build-arg "APT_CHECK_VALID_UNTIL=$APT_CHECK_VALID_UNTIL" \
    ${APT_PROXY:+--build-arg "http_proxy=$APT_PROXY"} \
    --label "org.musica.base.recipe=$want" \
    -t "$MUSICA_BASE_IMAGE" \
    "$MUSICA_REPO_ROOT/docker/base" >/dev/null || return $?
  log "built $MUSICA_BASE_IMAGE: $(docker run --rm "$MUSICA_BASE_IMAGE" python3 --version 2>&1)"
}

# ---------------------------------------------------------------- 4. CA certificates

# Copies the host's locally added CA certificates (what update-ca-certificates
# installs from /usr/local/share/ca-certificates) into docker/certs/, which the
# service Dockerfiles add to pip's trust store at build time. git ignores *.crt there.
sync_ca_certs() {
  local src="${MUSICA_CA_SOURCE:-/usr/local/share/ca-certificates}"
  local dst="$MUSICA_REPO_ROOT/docker/certs"
  mkdir -p "$dst"
  # Only the files we put there last time; a user's own certs stay.
  find "$dst" -maxdepth 1 -name 'host-*.crt' -delete
  local n=0 f rel
  if [ -d "$src" ]; then
    while IFS= read -r -d '' f; do
      rel="${f#"$src"/}"
      cp "$f" "$dst/host-${rel//\//_}"
      n=$((n + 1))
    done < <(find "$src" -type f -name '*.crt' -print0)
  fi
  log "copied $n CA certificate(s) from $src into docker/certs/"
}

# ---------------------------------------------------------------- all of phase 1

docker_bootstrap() {
  timed "install docker.io docker-compose debootstrap" ensure_packages || return $?
  timed "start dockerd" ensure_dockerd || return $?
  detect_apt_config
  timed "base image $MUSICA_BASE_IMAGE" build_python_base_image || return $?
  timed "copy host CA certificates" sync_ca_certs || return $?
}
