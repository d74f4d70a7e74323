"""SimpleJWT's refresh, hardened (wired in through SIMPLE_JWT["TOKEN_REFRESH_SERIALIZER"]).

SimpleJWT 5.5.1's TokenRefreshSerializer
- answers 500 when the token's user was deleted (``User.objects.get`` raises DoesNotExist);
- checks the blacklist and blacklists the presented token in two steps, so two requests racing
  with the same (stolen) refresh token can both be rotated into fresh, valid pairs.

Here the user must exist and pass USER_AUTHENTICATION_RULE (active), and the presented token is
blacklisted *before* anything is issued: only the request whose blacklist insert created the row
gets new tokens (the unique constraint on BlacklistedToken.token decides the race).
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
        if not self._user_may_refresh(refresh.payload.get(api_settings.USER_ID_CLAIM)):
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

    @staticmethod
    def _user_may_refresh(claim) -> bool:
        # A claim of the wrong type ("abc", 1.5, true, a huge number; only a holder of the key
        # could mint it) names no user: never a 500, never user 1.
        user_id = user_id_from_claim(claim)
        if user_id is None:
            return False
        user = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
        return user is not None and api_settings.USER_AUTHENTICATION_RULE(user)
