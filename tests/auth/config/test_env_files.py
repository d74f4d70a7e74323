"""Secrets from files (musica_kit.env), what only in-process can reach (processes reading NAME_FILE, both
set, a weak value in a file: tests/e2e/test_security_secret_files.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from musica_kit.env import env_int, env_required, env_str


def test_files_give_any_value_an_empty_variable_beside_one_is_unset_and_bad_files_are_errors(
    tmp_path, monkeypatch
):
    def from_file(name: str, content: str):
        (tmp_path / name).write_text(content)
        monkeypatch.setenv(f"{name}_FILE", str(tmp_path / name))

    from_file("SOME_NUMBER", "42\n")
    monkeypatch.delenv("SOME_NUMBER", raising=False)
    assert env_int("SOME_NUMBER", 1) == 42
    from_file("DATABASE_URL", "postgres://u@db/musica")
    monkeypatch.setenv("DATABASE_URL", "")  # compose and images set some variables to "" beside the file
    assert env_str("DATABASE_URL") == "postgres://u@db/musica"
    monkeypatch.setenv("MUSIC_SERVICE_TOKEN_FILE", "/nonexistent/token")
    monkeypatch.delenv("MUSIC_SERVICE_TOKEN", raising=False)
    with pytest.raises(ImproperlyConfigured, match="MUSIC_SERVICE_TOKEN_FILE: cannot read"):
        env_str("MUSIC_SERVICE_TOKEN")
    from_file("DJANGO_SECRET_KEY", "\n")
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is not set"):
        env_required("DJANGO_SECRET_KEY", dev_default="dev", debug=False)
