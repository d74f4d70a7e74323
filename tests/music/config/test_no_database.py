from django.conf import settings


def test_music_service_has_no_database_and_no_contrib_auth():
    assert settings.DATABASES == {}
    assert not any(app.startswith("django.contrib.auth") for app in settings.INSTALLED_APPS)
    assert "django.contrib.contenttypes" not in settings.INSTALLED_APPS


def test_no_module_imports_spotipy_but_the_spotify_provider():
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    importers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "import spotipy" in path.read_text() or "from spotipy" in path.read_text()
    )
    assert importers == ["search/providers/spotify.py"]
