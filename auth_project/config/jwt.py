"""SimpleJWT's refresh, hardened (SIMPLE_JWT["TOKEN_REFRESH_SERIALIZER"]).

SimpleJWT 5.5.1's TokenRefreshSerializer answers 500 when the token's user was deleted, and checks
the blacklist and blacklists the token in two steps, so two requests racing with one (stolen)
refresh token can both be rotated. Here the user must exist and be active, and the token is
blacklisted before anything is issued: only the request whose insert created the row (the unique
constraint on BlacklistedToken.token decides) gets new tokens.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import serializers
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings

from .authentication import user_id_from_claim


class TokenRefreshSerializer(serializers.TokenRefreshSerializer):
    def validate(self, attrs: dict) -> dict:
        refresh = self.token_class(attrs["refresh"])  # signature, exp, iss/aud, type, blacklist
        user_id = user_id_from_claim(refresh.payload.get(api_settings.USER_ID_CLAIM))
        users = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id})
        user = users.first() if user_id is not None else None
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise AuthenticationFailed(self.error_messages["no_active_account"], "no_active_account")

        if api_settings.ROTATE_REFRESH_TOKENS and api_settings.BLACKLIST_AFTER_ROTATION:
            _blacklisted, created = refresh.blacklist()
            if not created:  # another request used this very token a moment ago
                raise TokenError(_("Token is blacklisted"))

        data = {"access": str(refresh.access_token)}
        if api_settings.ROTATE_REFRESH_TOKENS:
            refresh.set_jti()
            refresh.set_exp()
            refresh.set_iat()
            refresh.outstand()
            data["refresh"] = str(refresh)
        return data
