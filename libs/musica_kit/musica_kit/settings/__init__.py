"""Settings both services share, as functions a project's settings module merges into itself:

    globals().update(django_defaults(base_dir=BASE_DIR, service="auth"))

Each function reads the environment only through musica_kit.env; what differs between the
services is an argument, so a reader of either project sees every value that varies.
"""

from .common import SHARED_APPS, django_defaults, transport_security
from .openapi import spectacular

__all__ = ["SHARED_APPS", "django_defaults", "spectacular", "transport_security"]
