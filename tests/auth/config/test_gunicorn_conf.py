"""The gunicorn settings both services load (musica_kit.gunicorn_conf)."""

import importlib
import sys

import pytest
from gunicorn.config import Config

from musica_kit import gunicorn_conf


@pytest.mark.parametrize(
    ("value", "expected"), [(None, sys.platform.startswith("linux")), ("0", False), ("1", True)]
)
def test_each_worker_listens_on_its_own_socket_on_linux_unless_turned_off(value, expected, monkeypatch):
    if value is None:
        monkeypatch.delenv("GUNICORN_REUSE_PORT", raising=False)
    else:
        monkeypatch.setenv("GUNICORN_REUSE_PORT", value)
    try:
        assert importlib.reload(gunicorn_conf).reuse_port is expected
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_conf)


def test_the_start_line_names_ipv6_and_unix_addresses_as_gunicorn_does():
    cfg = Config()
    cfg.set("bind", ["0.0.0.0:5000", "[::]:5001", "unix:/run/auth.sock"])
    assert gunicorn_conf.listen_urls(cfg) == "http://0.0.0.0:5000,http://[::]:5001,unix:/run/auth.sock"
