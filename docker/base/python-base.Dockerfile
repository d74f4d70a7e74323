# Local stand-in for python:3.x-slim, for machines that reach Debian's apt
# mirror but no container registry. Built by scripts/docker-base on top of a
# `debootstrap --variant=minbase` rootfs imported with `docker import`.
# Pass the result to the service builds as PYTHON_IMAGE.
ARG ROOTFS_IMAGE=musica/debian-minbase:bookworm
FROM ${ROOTFS_IMAGE}

ARG DEBIAN_SUITE=bookworm
ARG DEBIAN_MIRROR=http://deb.debian.org/debian
ARG DEBIAN_SECURITY_MIRROR=http://deb.debian.org/debian-security
ARG APT_CHECK_VALID_UNTIL=true

ENV LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

RUN printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
        "$DEBIAN_MIRROR" "$DEBIAN_SUITE" "$DEBIAN_MIRROR" "$DEBIAN_SUITE" \
        "$DEBIAN_SECURITY_MIRROR" "$DEBIAN_SUITE" > /etc/apt/sources.list \
 && rm -f /etc/apt/sources.list.d/*.sources \
 && printf 'Acquire::Check-Valid-Until "%s";\nAPT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
        "$APT_CHECK_VALID_UNTIL" > /etc/apt/apt.conf.d/90musica \
 && apt-get update -q \
 && apt-get install -y -q python3 python3-venv ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/share/doc/* /usr/share/man/* \
 && python3 -m venv /tmp/venv-check && rm -rf /tmp/venv-check \
 && python3 --version

CMD ["python3"]
