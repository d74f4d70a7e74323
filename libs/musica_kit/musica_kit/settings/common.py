"""Language, routing, static files and body limits: the same in both services."""

from pathlib import Path

import musica_kit
from musica_kit.env import env_bool, env_int, env_list, env_required, env_str

# The kit's own Spanish catalogue (musica_kit/locale): the texts DRF and SimpleJWT leave in English.
KIT_LOCALE = Path(musica_kit.__file__).resolve().parent / "locale"

# The apps both services install; each adds its own after these.
SHARED_APPS = [
    "musica_kit",  # first: its templates (Spanish DRF pages, CSP nonces, offline ReDoc) win
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc assets, served locally (no CDN)
]

def django_defaults(*, settings_file: str, service: str) -> dict:
    """BASE_DIR (the project folder, from its ``config/settings/base.py``), DEBUG, the secret key,
    allowed hosts, language, routing, static files and body limits."""
    base_dir = Path(settings_file).resolve().parents[2]
    debug = env_bool("DJANGO_DEBUG")
    return {
        "BASE_DIR": base_dir,
        "DEBUG": debug,
        # Each service has its own key (music's is MUSIC_DJANGO_SECRET_KEY in .env and compose).
        "SECRET_KEY": env_required(
            "DJANGO_SECRET_KEY", dev_default=f"dev-only-{service}-secret-key-not-for-production", debug=debug
        ),
        "ALLOWED_HOSTS": env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1"),
        # The contract is Spanish, whatever Accept-Language says: no LocaleMiddleware (every request
        # is in LANGUAGE_CODE), and Spanish is the only language, so nothing (a middleware added
        # later, a language cookie) can switch a page or a message to another one.
        "LANGUAGE_CODE": "es",
        "LANGUAGES": [("es", "Español")],
        # LOCALE_PATHS wins over every app's catalogue (apps only over Django's own).
        "LOCALE_PATHS": [KIT_LOCALE],
        "TIME_ZONE": "UTC",
        "USE_I18N": True,
        "USE_TZ": True,
        # Both forms of every path are routed explicitly. APPEND_SLASH would turn "POST /notas"
        # into a 301 that clients replay as a GET (the note is lost).
        "APPEND_SLASH": False,
        "STATIC_URL": "static/",
        "STATIC_ROOT": Path(env_str("DJANGO_STATIC_ROOT") or base_dir / "staticfiles"),
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "musica_kit.storage.StaticFilesStorage"},
        },
        "WHITENOISE_USE_FINDERS": debug,
        # Bodies over 1 MiB are refused with a JSON 413 before they are read (musica_kit.limits).
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 1024 * 1024,
    }


def transport_security(*, debug: bool) -> dict:
    """Switches for deployments behind TLS: DJANGO_SECURE=1 (and, behind a proxy,
    DJANGO_SECURE_PROXY_SSL_HEADER=1, which gunicorn also reads: musica_kit.gunicorn_conf)."""
    secure = env_bool("DJANGO_SECURE", default=False) and not debug
    settings = {
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        "CSRF_TRUSTED_ORIGINS": env_list("DJANGO_CSRF_TRUSTED_ORIGINS", ""),
        "SESSION_COOKIE_SECURE": secure,
        "CSRF_COOKIE_SECURE": secure,
        "SECURE_SSL_REDIRECT": secure and env_bool("DJANGO_SSL_REDIRECT", default=True),
        "SECURE_HSTS_SECONDS": env_int("DJANGO_HSTS_SECONDS", 31536000) if secure else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": secure,
        "SECURE_HSTS_PRELOAD": secure,
        "SECURE_REDIRECT_EXEMPT": [r"^health/?$", r"^ready/?$"],
        "SESSION_COOKIE_HTTPONLY": True,
    }
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
        settings["SECURE_PROXY_SSL_HEADER"] = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings
