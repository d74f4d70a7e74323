from django.urls import re_path

from search import views

urlpatterns = [
    re_path(r"^search/?$", views.SearchView.as_view(), name="search"),
    re_path(r"^health/?$", views.HealthView.as_view(), name="health"),
    re_path(r"^ready/?$", views.ReadyView.as_view(), name="ready"),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
