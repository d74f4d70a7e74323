"""Language, routing, static files and body limits: the same in both services."""

from pathlib import Path

import musica_kit
from musica_kit.env import env_str

# The kit's own Spanish catalogue (musica_kit/locale): the texts DRF and SimpleJWT leave in English.
KIT_LOCALE = Path(musica_kit.__file__).resolve().parent / "locale"


def django_defaults(*, base_dir: Path, debug: bool) -> dict:
    return {
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
