from django.conf import settings


def test_music_service_has_no_database_and_no_contrib_auth():
    assert settings.DATABASES == {}
    assert not any(app.startswith("django.contrib.auth") for app in settings.INSTALLED_APPS)
    assert "django.contrib.contenttypes" not in settings.INSTALLED_APPS
