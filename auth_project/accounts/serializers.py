from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
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
        extra_kwargs = {"id": {"help_text": "Identificador del usuario."}}

    def validate(self, attrs):
        candidate = User(username=attrs.get("username", ""))
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs

    def create(self, validated_data):
        return user_create(username=validated_data["username"], password=validated_data["password"])

    def to_representation(self, instance):
        return UserSerializer(instance).data


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField(help_text="El token `refresh` que se anula.")
