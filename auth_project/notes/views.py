from django.http import Http404
from rest_framework import status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .models import Enrichment
from .selectors import note_get, note_list
from .serializers import NoteSerializer
from .services import note_delete

SAVED = "Guardado con éxito"
PENDING_NOTICE = (
    "El servicio de música no está disponible ahora: la nota está guardada y la foto "
    "se añadirá automáticamente en cuanto vuelva."
)


class NoteViewSet(viewsets.ModelViewSet):
    serializer_class = NoteSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return note_list(user=self.request.user)

    def get_object(self):
        try:
            note_id = int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise Http404 from None
        note = note_get(user=self.request.user, note_id=note_id)
        if note is None:
            raise Http404
        return note

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = serializer.save()
        body = {"mensaje": SAVED, "nota": serializer.data}
        if note.enriquecimiento == Enrichment.PENDING:
            body["aviso"] = PENDING_NOTICE
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        note_delete(note=instance)
