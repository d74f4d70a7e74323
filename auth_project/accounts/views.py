from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from config.schema import THROTTLED, UNAUTHORIZED, validation_error
from config.throttling import RateLimitThrottle
from musica_kit.errors import error_body
from musica_kit.schema import error_response

from .serializers import LogoutSerializer, RegisterSerializer, UserSerializer
from .services import refresh_token_revoke

TokenPair = inline_serializer(
    "TokenPair",
    fields={
        "access": serializers.CharField(help_text="JWT de acceso: `Authorization: Bearer <access>`."),
        "refresh": serializers.CharField(help_text="JWT de refresco, para `/token/refresh` y `/logout`."),
    },
)
Login = inline_serializer(
    "Login",
    fields={
        "username": serializers.CharField(help_text="Nombre de usuario, en mayúsculas o minúsculas."),
        "password": serializers.CharField(help_text="Contraseña."),
    },
)


@extend_schema(
    tags=["cuentas"],
    summary="Crear una cuenta",
    description="No inicia sesión: después, `POST /login`.",
    responses={201: UserSerializer, 400: validation_error("username"), 429: THROTTLED},
)
class RegisterView(generics.CreateAPIView):
    name = "Crear una cuenta"
    serializer_class = RegisterSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [RateLimitThrottle]
    throttle_scope = "register"


@extend_schema(
    tags=["cuentas"],
    summary="Iniciar sesión (par de tokens JWT)",
    description="Con límite de intentos por IP.",
    request=Login,
    responses={
        200: TokenPair,
        400: validation_error("password"),
        401: error_response("Usuario o contraseña incorrectos (o cuenta inactiva)."),
        429: THROTTLED,
    },
)
class LoginView(TokenObtainPairView):
    name = "Iniciar sesión"
    throttle_classes = [RateLimitThrottle]
    throttle_scope = "login"


@extend_schema(
    tags=["cuentas"],
    summary="Refrescar el token de acceso",
    description="También entrega un `refresh` nuevo: el usado queda anulado.",
    responses={
        200: TokenPair,
        400: validation_error("refresh"),
        401: error_response("El `refresh` no es válido, caducó o ya se usó (lista negra)."),
    },
)
class RefreshView(TokenRefreshView):
    name = "Refrescar el token"


@extend_schema(
    tags=["cuentas"],
    summary="Cerrar sesión",
    description="Anula el `refresh`; el `access` sigue valiendo hasta que caduca.",
    responses={
        204: OpenApiResponse(description="Sesión cerrada: el `refresh` ya no sirve."),
        400: error_response("El `refresh` falta, no es válido, caducó o es de otra persona."),
        401: UNAUTHORIZED,
    },
)
class LogoutView(generics.GenericAPIView):
    name = "Cerrar sesión"
    serializer_class = LogoutSerializer

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not refresh_token_revoke(user=request.user, refresh=serializer.validated_data["refresh"]):
            return Response(error_body("Token de refresco no válido o caducado."), status=400)
        return Response(status=204)


@extend_schema(
    tags=["cuentas"], summary="El usuario autenticado", responses={200: UserSerializer, 401: UNAUTHORIZED}
)
class MeView(generics.RetrieveAPIView):
    name = "Tu cuenta"
    serializer_class = UserSerializer

    def get_object(self):
        return self.request.user
