from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from .models import USERNAME_CONFUSABLE, USERNAME_TAKEN
from .selectors import username_taken
from .services import user_create
from .usernames import is_mixed_script_confusable

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
        # Again in the NFKC form create_user stores, which can be longer.
        username = User.normalize_username(value)
        try:
            User._meta.get_field("username").run_validators(username)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        if is_mixed_script_confusable(username):
            raise serializers.ValidationError(USERNAME_CONFUSABLE)
        if username_taken(username=username):
            raise serializers.ValidationError(USERNAME_TAKEN)
        return username

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
