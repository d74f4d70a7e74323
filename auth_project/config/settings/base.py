"""Core Django settings for auth_service."""

from musica_kit.settings import SHARED_APPS, django_defaults

# BASE_DIR, DEBUG, the secret key, allowed hosts, language (Spanish), both path forms routed (no
# APPEND_SLASH), static files, the 1 MiB body limit.
globals().update(django_defaults(settings_file=__file__, service="auth"))

INSTALLED_APPS = [
    *SHARED_APPS,  # the kit, static files, DRF, drf-spectacular
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Installed for its translations (its Spanish catalogue is only loaded for an installed app);
    # musica_kit's catalogue completes it.
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "config.apps.ConfigAppConfig",  # deployment checks for our own secrets
    "accounts",
    "notes",
]

MIDDLEWARE = [
    "musica_kit.metrics.RequestMetricsMiddleware",  # first: /metrics, and it times everything below
    "config.request_context.RequestContextMiddleware",
    "musica_kit.limits.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.throttling.LoginFormThrottleMiddleware",  # before CSRF: every attempt counts
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

