"""Secrets from files (musica_kit.env): NAME_FILE names a file whose content is NAME's value."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from musica_kit.env import env_int, env_required, env_str


def test_a_file_named_by_name_file_gives_the_value_stripped(tmp_path, monkeypatch):
    secret = tmp_path / "jwt_signing_key"
    secret.write_text("s3cr3t-from-a-file\n")
    monkeypatch.delenv("JWT_SIGNING_KEY", raising=False)
    monkeypatch.setenv("JWT_SIGNING_KEY_FILE", str(secret))
    assert env_str("JWT_SIGNING_KEY") == "s3cr3t-from-a-file"
    assert env_required("JWT_SIGNING_KEY", dev_default="dev", debug=False) == "s3cr3t-from-a-file"


def test_every_reader_goes_through_the_file(tmp_path, monkeypatch):
    (tmp_path / "n").write_text("42")
    monkeypatch.delenv("SOME_NUMBER", raising=False)
    monkeypatch.setenv("SOME_NUMBER_FILE", str(tmp_path / "n"))
    assert env_int("SOME_NUMBER", 1) == 42


def test_setting_both_the_variable_and_its_file_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "key").write_text("from-the-file")
    monkeypatch.setenv("DATABASE_URL", "postgres://a@b/c")
    monkeypatch.setenv("DATABASE_URL_FILE", str(tmp_path / "key"))
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL and DATABASE_URL_FILE are both set") as exc:
        env_str("DATABASE_URL")
    assert "from-the-file" not in str(exc.value) and "postgres://" not in str(exc.value)


def test_an_empty_variable_beside_its_file_counts_as_unset(tmp_path, monkeypatch):
    """compose and images set some variables to "" (or a default the stack blanks out)."""
    (tmp_path / "url").write_text("postgres://u@db/musica")
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("DATABASE_URL_FILE", str(tmp_path / "url"))
    assert env_str("DATABASE_URL") == "postgres://u@db/musica"


def test_an_unreadable_file_is_an_error_naming_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("MUSIC_SERVICE_TOKEN", raising=False)
    monkeypatch.setenv("MUSIC_SERVICE_TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="MUSIC_SERVICE_TOKEN_FILE: cannot read"):
        env_str("MUSIC_SERVICE_TOKEN")


def test_an_empty_file_is_an_unset_secret(tmp_path, monkeypatch):
    (tmp_path / "empty").write_text("\n")
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY_FILE", str(tmp_path / "empty"))
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is not set"):
        env_required("DJANGO_SECRET_KEY", dev_default="dev", debug=False)
