"""The gunicorn settings both services load (musica_kit.gunicorn_conf)."""

from gunicorn.config import Config

from musica_kit import gunicorn_conf


def test_on_linux_each_worker_listens_on_its_own_socket_unless_turned_off(monkeypatch):
    import importlib
    import sys

    try:
        monkeypatch.delenv("GUNICORN_REUSE_PORT", raising=False)
        assert importlib.reload(gunicorn_conf).reuse_port is sys.platform.startswith("linux")
        monkeypatch.setenv("GUNICORN_REUSE_PORT", "0")
        assert importlib.reload(gunicorn_conf).reuse_port is False
        monkeypatch.setenv("GUNICORN_REUSE_PORT", "1")
        assert importlib.reload(gunicorn_conf).reuse_port is True
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_conf)


def test_the_start_line_names_ipv6_and_unix_addresses_as_gunicorn_does():
    cfg = Config()
    cfg.set("bind", ["0.0.0.0:5000", "[::]:5001", "unix:/run/auth.sock"])
    assert gunicorn_conf.listen_urls(cfg) == "http://0.0.0.0:5000,http://[::]:5001,unix:/run/auth.sock"
