"""Liveness and readiness: /health says the process answers; /ready that the database does."""

from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

Health = inline_serializer(
    "Health", fields={"status": serializers.ChoiceField(choices=["ok"], help_text="Siempre `ok`.")}
)
Ready = inline_serializer(
    "Ready",
    fields={
        "status": serializers.ChoiceField(choices=["ok", "unavailable"], help_text="`ok` o `unavailable`."),
        "database": serializers.ChoiceField(
            choices=["ok", "error"], help_text="Si la base de datos respondió."
        ),
    },
)


class HealthView(APIView):
    name = "Vida del proceso"
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["salud"], summary="Vida del proceso (sin mirar la base de datos)", responses=Health)
    def get(self, request):
        return Response({"status": "ok"})


class ReadyView(HealthView):
    name = "Disponibilidad"

    @extend_schema(
        tags=["salud"],
        summary="Disponibilidad (base de datos)",
        responses={200: Ready, 503: OpenApiResponse(Ready, description="La base de datos no responde.")},
    )
    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:  # any database failure means "not ready", never a 500
            return Response({"status": "unavailable", "database": "error"}, status=503)
        return Response({"status": "ok", "database": "ok"})
