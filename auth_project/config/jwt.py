"""SimpleJWT's refresh without its 500 for a deleted user and its check-then-blacklist race: only the
request whose blacklist insert created the row gets new tokens (SIMPLE_JWT rotates and blacklists)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.fields import CharField
from rest_framework_simplejwt import serializers
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings

from .authentication import user_id_from_claim


class TokenRefreshSerializer(serializers.TokenRefreshSerializer):
    refresh = CharField(help_text="El token `refresh` vigente.")

    def validate(self, attrs: dict) -> dict:
        refresh = self.token_class(attrs["refresh"])  # also checks the blacklist
        user_id = user_id_from_claim(refresh.payload.get(api_settings.USER_ID_CLAIM))  # None finds no one
        user = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise AuthenticationFailed(self.error_messages["no_active_account"], "no_active_account")
        _blacklisted, created = refresh.blacklist()
        if not created:
            raise TokenError(_("Token is blacklisted"))
        access = str(refresh.access_token)
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh.outstand()
        return {"access": access, "refresh": str(refresh)}
