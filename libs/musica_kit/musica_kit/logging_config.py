"""Django's LOGGING for a service: one JSON line per event on stdout (musica_kit.request_context)."""


def json_logging(*, service: str, level: str, levels: dict[str, str]) -> dict:
    """``levels``: the floor for noisy third-party loggers, whatever ``level`` says."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "musica_kit.request_context.JsonFormatter", "service": service}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
            **{name: {"level": floor} for name, floor in levels.items()},
        },
    }
