"""Routes both services serve the same way: the OpenAPI schema, Swagger UI and ReDoc."""

from csp.decorators import csp_replace
from django.urls import re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

# ReDoc injects nonce-less <style> and runs a blob: worker; replaced, as a nonce voids 'unsafe-inline'.
REDOC_POLICY = {"style-src": ["'self'", "'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}

openapi_urlpatterns = [
    re_path(r"^api/schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^api/docs/?$", SpectacularSwaggerView.as_view(), name="swagger-ui"),
    re_path(r"^api/redoc/?$", csp_replace(REDOC_POLICY)(SpectacularRedocView.as_view()), name="redoc"),
]
