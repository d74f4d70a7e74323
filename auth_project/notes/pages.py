"""The landing page (GET /): what this is, where the API and its docs are and, for a person logged
in with a session (DRF's /api-auth/login/), their latest notes with covers and a form to add one.

The form takes the API's own path: NoteSerializer validates it and saves through
notes.services.note_create; each POST counts in the same per-user write window as POST /notas
(config/ratelimit.py, scope "notes_write", NOTES_WRITE_RATE); Django's CSRF middleware guards it,
as it guards the browsable API's session forms.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from config.ratelimit import hit

from .selectors import note_list
from .serializers import NoteSerializer
from .throttling import NoteWriteThrottle
from .views import SAVED, WRITES_THROTTLED, pending_notice

LATEST = 12  # notes shown; /notas has them all


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
            error = f"{WRITES_THROTTLED} Vuelve a intentarlo en {seconds} segundos."
            response = self._page(request, values=request.POST, error=error, status=429)
            response["Retry-After"] = str(seconds)
            return response
        serializer = NoteSerializer(data=request.POST, context={"request": request})
        if not serializer.is_valid():
            return self._page(request, values=request.POST, errors=serializer.errors, status=400)
        note = serializer.save()  # notes.services.note_create
        messages.success(request, SAVED)
        if aviso := pending_notice(note):
            messages.info(request, aviso)
        return redirect("inicio")

    def _page(self, request, *, values=None, errors=None, error: str | None = None, status: int = 200):
        fields = NoteSerializer().fields
        context = {
            "values": values or {},
            "errors": errors or {},
            "error": error,
            "cancion_max": fields["cancion"].max_length,
            "texto_max": fields["texto"].max_length,
        }
        if request.user.is_authenticated:
            notes = note_list(user=request.user)
            context["notas"] = list(notes[:LATEST])
            context["total"] = notes.count()
        return render(request, self.template_name, context, status=status)
