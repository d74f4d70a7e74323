from csp.decorators import csp_replace
from django.urls import re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from search import views

# ReDoc's bundle (styled-components) injects <style> elements without a nonce, and runs its search
# index in a worker made from a blob: URL. Only that page allows either. (A nonce in style-src would
# make the browser ignore 'unsafe-inline', so the lists are replaced, not extended.)
REDOC_POLICY = {"style-src": ["'self'", "'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}

urlpatterns = [
    re_path(r"^search/?$", views.SearchView.as_view(), name="search"),
    re_path(r"^health/?$", views.HealthView.as_view(), name="health"),
    re_path(r"^ready/?$", views.ReadyView.as_view(), name="ready"),
    re_path(r"^api/schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^api/docs/?$", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    re_path(
        r"^api/redoc/?$",
        csp_replace(REDOC_POLICY)(SpectacularRedocView.as_view(url_name="schema")),
        name="redoc",
    ),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
