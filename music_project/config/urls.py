from django.urls import re_path

from musica_kit.urls import openapi_urlpatterns
from search import views

urlpatterns = [
    re_path(r"^search/?$", views.SearchView.as_view(), name="search"),
    re_path(r"^health/?$", views.HealthView.as_view(), name="health"),
    re_path(r"^ready/?$", views.ReadyView.as_view(), name="ready"),
    *openapi_urlpatterns,
]

handler400 = "musica_kit.errors.bad_request"
handler403 = "musica_kit.errors.permission_denied"
handler404 = "musica_kit.errors.not_found"
handler500 = "musica_kit.errors.server_error"
