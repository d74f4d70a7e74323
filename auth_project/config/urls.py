from django.contrib import admin
from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from accounts import views as accounts
from musica_kit.urls import openapi_urlpatterns
from notes.pages import HomeView, NoteDeleteView, SignupView
from notes.views import NoteViewSet

from .health import HealthView, ReadyView

# Both /notas and /notas/, so no redirect eats a POST (the constructor takes only a bool).
router = SimpleRouter()
router.trailing_slash = "/?"
router.register("notas", NoteViewSet, basename="nota")

admin.site.site_header = admin.site.site_title = "Música · administración"
admin.site.index_title = "Usuarios y notas"
admin.site.site_url = "/"  # "Ver el sitio": the landing page (notes/pages.py)

urlpatterns = [
    re_path(r"^$", HomeView.as_view(), name="inicio"),
    re_path(r"^registro/?$", SignupView.as_view(), name="registro"),
    re_path(r"^borrar/(?P<pk>[0-9]{1,18})/?$", NoteDeleteView.as_view(), name="borrar"),
    re_path(r"^register/?$", accounts.RegisterView.as_view(), name="register"),
    re_path(r"^login/?$", accounts.LoginView.as_view(), name="login"),
    re_path(r"^token/refresh/?$", accounts.RefreshView.as_view(), name="token-refresh"),
    re_path(r"^logout/?$", accounts.LogoutView.as_view(), name="logout"),
    re_path(r"^me/?$", accounts.MeView.as_view(), name="me"),
    re_path(r"^health/?$", HealthView.as_view(), name="health"),
    re_path(r"^ready/?$", ReadyView.as_view(), name="ready"),
    *openapi_urlpatterns,
    path("api-auth/", include("rest_framework.urls")),
    path("admin/", admin.site.urls),
    *router.urls,
]

handler400 = "musica_kit.errors.bad_request"
handler403 = "musica_kit.errors.permission_denied"
handler404 = "musica_kit.errors.not_found"
handler500 = "musica_kit.errors.server_error"
