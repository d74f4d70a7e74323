"""Core Django settings. music_service has no database at all: it is stateless by construction."""

from musica_kit.settings import SHARED_APPS, django_defaults

# BASE_DIR, DEBUG, the secret key, allowed hosts, language (Spanish), both path forms routed (no
# APPEND_SLASH), static files, the 1 MiB body limit.
globals().update(django_defaults(settings_file=__file__, service="music"))

INSTALLED_APPS = [
    *SHARED_APPS,  # the kit, static files, DRF, drf-spectacular
    "config.apps.ConfigAppConfig",  # deployment checks for our own secrets
    "search",
]

MIDDLEWARE = [
    "musica_kit.metrics.RequestMetricsMiddleware",  # first: /metrics, and it times everything below
    "config.request_context.RequestContextMiddleware",
    "musica_kit.limits.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    # No cookie is ever set here and DRF views are csrf-exempt; both are on so that nothing
    # added later (a form, a page) is served without them.
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# No models, no migrations, no connections: replicas never touch a database.
DATABASES = {}

# The browsable API renders templates even without contrib.auth.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

