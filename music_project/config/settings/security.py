"""Transport security, switchable behind TLS (the same switches as auth_service)."""

from musica_kit.env import env_bool, env_int, env_list, env_str

from .base import DEBUG

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SESSION_COOKIE_HTTPONLY = True

_SECURE = env_bool("DJANGO_SECURE", default=False) and not DEBUG
SESSION_COOKIE_SECURE = _SECURE
CSRF_COOKIE_SECURE = _SECURE
SECURE_SSL_REDIRECT = _SECURE and env_bool("DJANGO_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if _SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _SECURE
SECURE_HSTS_PRELOAD = _SECURE
SECURE_REDIRECT_EXEMPT = [r"^health/?$", r"^ready/?$"]

if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REQUIRED_SECRETS = {"DJANGO_SECRET_KEY": "SECRET_KEY", "MUSIC_SERVICE_TOKEN": "MUSIC_SERVICE_TOKEN"}

# Optional: /metrics exists only when set.
METRICS_TOKEN = env_str("METRICS_TOKEN")
