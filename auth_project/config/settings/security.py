"""Transport security, switchable for deployments behind TLS."""

from musica_kit.env import env_bool, env_int, env_list, env_str

from .base import DEBUG

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SESSION_COOKIE_HTTPONLY = True

# DJANGO_SECURE=1 behind TLS: secure cookies, HTTPS redirect (probes exempt) and HSTS. Never in debug.
_SECURE = env_bool("DJANGO_SECURE", default=False) and not DEBUG
SESSION_COOKIE_SECURE = _SECURE
CSRF_COOKIE_SECURE = _SECURE
SECURE_SSL_REDIRECT = _SECURE and env_bool("DJANGO_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if _SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _SECURE
SECURE_HSTS_PRELOAD = _SECURE
SECURE_REDIRECT_EXEMPT = [r"^health/?$", r"^ready/?$"]

# Behind a proxy that terminates TLS; gunicorn reads the same switch (musica_kit.gunicorn_conf).
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The secrets a serving process refuses to start without (musica_kit.secrets): variable → setting.
REQUIRED_SECRETS = {
    "DJANGO_SECRET_KEY": "SECRET_KEY",
    "JWT_SIGNING_KEY": "SIMPLE_JWT.SIGNING_KEY",
    "MUSIC_SERVICE_TOKEN": "MUSIC_SERVICE_TOKEN",
}

# Optional: /metrics exists only when it is set, and then needs it (musica_kit.metrics); checked
# at start like REQUIRED_SECRETS when set (musica_kit.secrets).
METRICS_TOKEN = env_str("METRICS_TOKEN")
