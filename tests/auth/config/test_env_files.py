"""Secrets from files (musica_kit.env): NAME_FILE names a file whose content is NAME's value
(processes started that way: tests/e2e/test_security_secret_files.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from musica_kit.env import env_int, env_required, env_str


@pytest.fixture
def from_file(tmp_path, monkeypatch):
    def set_file(name: str, content: str, variable: str | None = None):
        (tmp_path / name).write_text(content)
        if variable is None:
            monkeypatch.delenv(name, raising=False)
        else:  # compose and images set some variables to "" beside the file
            monkeypatch.setenv(name, variable)
        monkeypatch.setenv(f"{name}_FILE", str(tmp_path / name))

    return set_file


def test_the_file_gives_the_value_stripped_to_every_reader(from_file):
    from_file("JWT_SIGNING_KEY", "s3cr3t-from-a-file\n")
    assert env_required("JWT_SIGNING_KEY", dev_default="dev", debug=False) == "s3cr3t-from-a-file"
    from_file("SOME_NUMBER", "42")
    assert env_int("SOME_NUMBER", 1) == 42
    from_file("DATABASE_URL", "postgres://u@db/musica", variable="")  # empty counts as unset
    assert env_str("DATABASE_URL") == "postgres://u@db/musica"


def test_both_set_an_unreadable_file_and_an_empty_one_are_errors_naming_the_variable(from_file, monkeypatch):
    from_file("DATABASE_URL", "from-the-file", variable="postgres://a@b/c")
    with pytest.raises(
        ImproperlyConfigured, match="DATABASE_URL and DATABASE_URL_FILE are both set"
    ) as error:
        env_str("DATABASE_URL")
    assert "from-the-file" not in str(error.value) and "postgres://" not in str(error.value)
    monkeypatch.setenv("MUSIC_SERVICE_TOKEN_FILE", "/nonexistent/token")
    with pytest.raises(ImproperlyConfigured, match="MUSIC_SERVICE_TOKEN_FILE: cannot read"):
        env_str("MUSIC_SERVICE_TOKEN")
    from_file("DJANGO_SECRET_KEY", "\n")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is not set"):
        env_required("DJANGO_SECRET_KEY", dev_default="dev", debug=False)
