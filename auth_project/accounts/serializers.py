from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from .services import user_create

User = get_user_model()


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username"]
        read_only_fields = fields
        extra_kwargs = {"id": {"help_text": "Identificador del usuario."}}


class RegisterSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True,
        max_length=128,
        style={"input_type": "password"},
        help_text="Contraseña: al menos 8 caracteres, no solo números, ni común ni parecida al usuario.",
    )

    class Meta:
        model = User
        fields = ["id", "username", "password"]
        read_only_fields = ["id"]
        extra_kwargs = {
            "id": {"help_text": "Identificador del usuario."},
            # Not DRF's exact-match UniqueValidator: validate_username compares up to case and Unicode.
            "username": {
                "validators": [UnicodeUsernameValidator()],
                "help_text": "Nombre de usuario (letras, dígitos y @/./+/-/_, hasta 150). Único sin "
                "distinguir mayúsculas ni variantes Unicode; no puede mezclar alfabetos con letras "
                "que se confunden (una «а» cirílica entre latinas).",
            },
        }

    def validate_username(self, value):
        user = User(username=value)
        try:
            user.clean()  # NFKC, then the model's rules: taken up to case and Unicode, look-alikes
            User._meta.get_field("username").run_validators(user.username)  # NFKC can lengthen a name
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return user.username

    def validate(self, attrs):
        try:
            validate_password(attrs["password"], user=User(username=attrs.get("username", "")))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs

    def create(self, validated_data):
        return user_create(username=validated_data["username"], password=validated_data["password"])


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField(help_text="El token `refresh` que se anula.")
