"""gunicorn trusts X-Forwarded-Proto only behind a configured proxy (DJANGO_SECURE_PROXY_SSL_HEADER).

Without that setting, a client on 127.0.0.1 sending ``X-Forwarded-Proto: https`` over plain HTTP is
not "secure": no Strict-Transport-Security, and DJANGO_SECURE's redirect to HTTPS still applies.
gunicorn's defaults (forwarded_allow_ips 127.0.0.1, X-Forwarded-Proto among secure_scheme_headers)
would otherwise pass such a request off as HTTPS. Real gunicorn, every configuration file in use.
"""

import pytest
import requests

from tests.support.processes import BIN, ROOT, ServiceProcess, auth_process, free_port, music_process

FORGED = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on", "X-Forwarded-Protocol": "ssl"}
# A path DJANGO_SECURE redirects to HTTPS (the health checks are exempt).
REDIRECTED = {"auth": "/me", "music": "/search"}


def start(service: str, config: str, log_dir, tmp_path, **env) -> ServiceProcess:
    port = free_port()
    name = f"{service}-{config}-{'proxy' if env.get('DJANGO_SECURE_PROXY_SSL_HEADER') else 'direct'}"
    settings = {"DJANGO_SECURE": "1", "PORT": str(port), **env}
    if service == "auth":
        process = auth_process(
            log_dir,
            database_url=f"sqlite:///{tmp_path / 'n.db'}",
            music_url="http://127.0.0.1:9",
            name=name,
            **settings,
        )
    else:
        process = music_process(log_dir, name=name, port=port, **settings)
    process.port = port
    if config == "docker":  # as the images run gunicorn (PORT from the environment)
        process.command = [
            str(BIN / "gunicorn"),
            "-c",
            str(ROOT / "docker" / "gunicorn.conf.py"),
            "config.wsgi:application",
        ]
    else:
        process.command = [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    return process.start()


def get(process: ServiceProcess, path: str, **headers) -> requests.Response:
    return requests.get(process.url + path, headers=headers, allow_redirects=False, timeout=10)


@pytest.mark.parametrize("config", ["project", "docker"])
@pytest.mark.parametrize("service", ["auth", "music"])
def test_a_forged_forwarded_proto_from_localhost_is_not_https_without_a_proxy(
    service, config, log_dir, tmp_path
):
    process = start(service, config, log_dir, tmp_path)
    try:
        for header, value in FORGED.items():
            health = get(process, "/health", **{header: value})
            assert health.status_code == 200
            assert "Strict-Transport-Security" not in health.headers, header
            redirected = get(process, REDIRECTED[service], **{header: value})
            assert redirected.status_code == 301, (header, redirected.status_code)
            assert redirected.headers["Location"].startswith("https://")
            assert "Strict-Transport-Security" not in redirected.headers
    finally:
        process.stop()


@pytest.mark.parametrize("config", ["project", "docker"])
@pytest.mark.parametrize("service", ["auth", "music"])
def test_behind_a_configured_proxy_forwarded_proto_is_trusted(service, config, log_dir, tmp_path):
    process = start(service, config, log_dir, tmp_path, DJANGO_SECURE_PROXY_SSL_HEADER="1")
    try:
        health = get(process, "/health", **{"X-Forwarded-Proto": "https"})
        assert health.status_code == 200
        assert health.headers["Strict-Transport-Security"].startswith("max-age=")
        secure = get(process, REDIRECTED[service], **{"X-Forwarded-Proto": "https"})
        assert secure.status_code != 301
        assert "Strict-Transport-Security" in secure.headers
        # Control: the same request without the header is plain HTTP, redirected.
        assert get(process, REDIRECTED[service]).status_code == 301
    finally:
        process.stop()
