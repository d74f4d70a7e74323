"""Secrets from files (``*_FILE``, for Docker secrets): both services serve the whole flow with every
secret in a file; a weak value in a file is refused as in the environment; a variable set both ways
stops the start naming it."""

import secrets

from tests.e2e.test_security_startup_secrets import assert_refused, exit_output, process
from tests.support.http import Api
from tests.support.processes import (
    AUTH_SECRET_KEY,
    MUSIC_SECRET_KEY,
    SERVICE_TOKEN,
    auth_process,
    music_process,
)


def secret_file(folder, name: str, value: str) -> str:
    path = folder / name
    path.write_text(value + "\n")
    path.chmod(0o400)
    return str(path)


def test_both_services_serve_the_whole_flow_with_every_secret_in_a_file(tmp_path, log_dir, spotify):
    files = tmp_path / "run-secrets"
    files.mkdir()
    jwt_key = secrets.token_urlsafe(50)
    music = music_process(
        log_dir, spotify=spotify, name="music-files", DJANGO_SECRET_KEY=None, MUSIC_SERVICE_TOKEN=None,
        DJANGO_SECRET_KEY_FILE=secret_file(files, "music_django_secret_key", MUSIC_SECRET_KEY),
        MUSIC_SERVICE_TOKEN_FILE=secret_file(files, "music_service_token", SERVICE_TOKEN),
        SPOTIFY_CLIENT_ID_FILE=secret_file(files, "spotify_client_id", spotify.client_id),
        SPOTIFY_CLIENT_SECRET_FILE=secret_file(files, "spotify_client_secret", spotify.client_secret),
    )  # fmt: skip
    del music.env["SPOTIFY_CLIENT_ID"], music.env["SPOTIFY_CLIENT_SECRET"]  # the files are the only source
    auth = auth_process(
        log_dir, database_url="", music_url=music.url, name="auth-files", DJANGO_SECRET_KEY=None,
        JWT_SIGNING_KEY=None, MUSIC_SERVICE_TOKEN=None,
        DJANGO_SECRET_KEY_FILE=secret_file(files, "django_secret_key", AUTH_SECRET_KEY),
        JWT_SIGNING_KEY_FILE=secret_file(files, "jwt_signing_key", jwt_key),
        MUSIC_SERVICE_TOKEN_FILE=str(files / "music_service_token"),
        DATABASE_URL_FILE=secret_file(files, "database_url", f"sqlite:///{tmp_path / 'notas.db'}"),
    )  # fmt: skip
    with music, auth:
        user = Api(auth.url).register_and_login(f"files{secrets.token_hex(3)}")
        nota = user.post("/notas", json={"cancion": "Queen", "texto": "desde archivos"}).json()["nota"]
        assert nota["enriquecimiento"] == "ok" and nota["foto"], nota
    assert (tmp_path / "notas.db").exists(), "auth did not use the database named in DATABASE_URL_FILE"
    logs = auth.logs() + music.logs()
    for value in (AUTH_SECRET_KEY, MUSIC_SECRET_KEY, SERVICE_TOKEN, jwt_key, spotify.client_secret):
        assert value not in logs


def test_a_weak_secret_in_a_file_is_refused_and_a_secret_set_both_ways_stops_the_start(tmp_path):
    in_file = {"JWT_SIGNING_KEY": None, "JWT_SIGNING_KEY_FILE": secret_file(tmp_path, "jwt", "change-me")}
    assert "placeholder" in assert_refused(
        "auth", "gunicorn", "JWT_SIGNING_KEY", "change-me", tmp_path, **in_file
    )

    token, other = secrets.token_urlsafe(32), secret_file(tmp_path, "token", secrets.token_urlsafe(32))
    both_ways = {"MUSIC_SERVICE_TOKEN": token, "MUSIC_SERVICE_TOKEN_FILE": other}
    returncode, output = exit_output(process("music", "gunicorn", tmp_path, **both_ways))
    both = "error: MUSIC_SERVICE_TOKEN and MUSIC_SERVICE_TOKEN_FILE are both set: set only one of them"
    assert returncode != 0 and [line for line in output.splitlines() if line.startswith("error: ")] == [both]
    assert token not in output and "Traceback" not in output, output
