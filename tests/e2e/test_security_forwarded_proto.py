"""gunicorn trusts X-Forwarded-Proto only behind a configured proxy (DJANGO_SECURE_PROXY_SSL_HEADER):
otherwise a client on 127.0.0.1 forging ``https`` over plain HTTP gets no HSTS and DJANGO_SECURE's
redirect still applies (gunicorn's defaults would pass it off as HTTPS). Both configuration files."""

import pytest
import requests

from tests.e2e.helpers import sqlite_auth
from tests.support.processes import BIN, ROOT, free_port, music_process

FORGED = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on", "X-Forwarded-Protocol": "ssl"}
REDIRECTED = {"auth": "/me", "music": "/search"}  # DJANGO_SECURE redirects these (not the health checks)


def start(service: str, config: str, log_dir, tmp_path, **env):
    port = free_port()
    name = f"{service}-{config}-{'proxy' if env else 'direct'}"
    settings = {"DJANGO_SECURE": "1", "PORT": str(port), **env}
    if service == "auth":
        process = sqlite_auth(log_dir, tmp_path, "http://127.0.0.1:9", name, **settings)
    else:
        process = music_process(log_dir, name=name, **settings)
    process.port = port
    process.command = (
        [str(BIN / "gunicorn"), "-c", str(ROOT / "docker" / "gunicorn.conf.py"), "config.wsgi:application"]
        if config == "docker"  # as the images run gunicorn (PORT from the environment)
        else [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    )
    return process


def get(process, path: str, **headers) -> requests.Response:
    return requests.get(process.url + path, headers=headers, allow_redirects=False, timeout=10)


@pytest.mark.parametrize("config", ["project", "docker"])
@pytest.mark.parametrize("service", ["auth", "music"])
def test_forwarded_proto_is_trusted_only_behind_a_configured_proxy(service, config, log_dir, tmp_path):
    with start(service, config, log_dir, tmp_path) as process:
        for header, value in FORGED.items():
            health = get(process, "/health", **{header: value})
            assert health.status_code == 200 and "Strict-Transport-Security" not in health.headers, header
            redirected = get(process, REDIRECTED[service], **{header: value})
            assert redirected.status_code == 301, (header, redirected.status_code)
            assert redirected.headers["Location"].startswith("https://")
            assert "Strict-Transport-Security" not in redirected.headers
    with start(service, config, log_dir, tmp_path, DJANGO_SECURE_PROXY_SSL_HEADER="1") as process:
        health = get(process, "/health", **{"X-Forwarded-Proto": "https"})
        assert health.headers["Strict-Transport-Security"].startswith("max-age=31536000")  # a year
        secure = get(process, REDIRECTED[service], **{"X-Forwarded-Proto": "https"})
        assert secure.status_code != 301 and "Strict-Transport-Security" in secure.headers
        assert get(process, REDIRECTED[service]).status_code == 301  # control: plain HTTP is redirected
