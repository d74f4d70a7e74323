"""The landing page (GET /) and its forms, each the API's way (serializer, service, limit) under CSRF."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from rest_framework.exceptions import ValidationError

from accounts.serializers import RegisterSerializer
from config.ratelimit import client_address, hit

from .selectors import note_list
from .serializers import NoteSerializer
from .views import SAVED, WRITES_THROTTLED, NoteWriteThrottle, pending_notice

LATEST = 12  # notes shown; /notas has them all
SIGNUPS_THROTTLED = "Demasiadas cuentas creadas desde esta dirección."
PASSWORDS_DIFFER = "Las dos contraseñas no coinciden."
SIGNED_UP = "Cuenta creada: ya has iniciado sesión."
DELETED = "Nota borrada."


@method_decorator(never_cache, name="dispatch")  # a person's own notes: never from a shared cache
class HomeView(View):
    http_method_names = ["get", "head", "post"]
    template_name = "notes/inicio.html"

    def get(self, request):
        return self._page(request)

    def post(self, request):
        if not request.user.is_authenticated:
            return redirect(reverse("rest_framework:login") + "?next=/")
        allowed, seconds = hit(NoteWriteThrottle.scope, str(request.user.pk))
        if not allowed:
            return self._throttled(request, request.POST, WRITES_THROTTLED, seconds)
        serializer = NoteSerializer(data=request.POST, context={"request": request})
        if not serializer.is_valid():
            return self._page(request, values=request.POST, errors=serializer.errors, status=400)
        note = serializer.save()
        messages.success(request, SAVED)
        if aviso := pending_notice(note):
            messages.info(request, aviso)
        return redirect("inicio")

    def _throttled(self, request, values, message: str, seconds: int):
        error = f"{message} Vuelve a intentarlo en {seconds} segundos."
        response = self._page(request, values=values, errors={"non_field_errors": [error]}, status=429)
        response["Retry-After"] = str(seconds)
        return response

    def _page(self, request, *, values=None, errors=None, status: int = 200):
        context = {"values": values, "errors": errors, "fields": NoteSerializer().fields}
        if request.user.is_authenticated:
            notes = note_list(user=request.user)
            context["notas"] = list(notes[:LATEST])
            context["total"] = notes.count()
        return render(request, self.template_name, context, status=status)


class SignupView(HomeView):
    """POST /registro, under /register's rules and limit."""

    def get(self, request):
        return redirect("inicio")

    def post(self, request):
        allowed, seconds = hit("register", client_address(request))  # before validating, as DRF's throttle
        values = {"username": request.POST.get("username", "")}  # a password is never sent back
        if not allowed:
            return self._throttled(request, values, SIGNUPS_THROTTLED, seconds)
        serializer = RegisterSerializer(data=request.POST)
        errors = {} if serializer.is_valid() else dict(serializer.errors)
        if request.POST.get("password") != request.POST.get("password2"):
            errors.setdefault("password2", [PASSWORDS_DIFFER])
        try:
            user = None if errors else serializer.save()
        except ValidationError as exc:  # the name was taken since the check
            errors = exc.detail
        if errors:
            return self._page(request, values=values, errors=errors, status=400)
        login(request, user)
        messages.success(request, SIGNED_UP)
        return redirect("inicio")


class NoteDeleteView(HomeView):
    """POST /borrar/<id>, as DELETE /notas/<id>: someone else's note is the same 404 as a missing one."""

    def dispatch(self, request, pk):
        if not request.user.is_authenticated:
            return redirect(reverse("rest_framework:login") + "?next=/")
        self.note = get_object_or_404(note_list(user=request.user), pk=pk)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        return redirect("inicio")

    def post(self, request, pk):
        self.note.delete()
        messages.success(request, DELETED)
        return redirect("inicio")
