"""The gunicorn settings both services load (musica_kit.gunicorn_conf)."""

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
