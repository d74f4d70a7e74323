from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from rest_framework_simplejwt.token_blacklist import admin as blacklist_admin
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from .models import User

admin.site.register(User, UserAdmin)


# SimpleJWT's token models declare no verbose names, so the admin would label their columns with the
# field names ("Created at", "Expires at", "Blacklisted at"): the same pages, labelled in Spanish.
class OutstandingTokenAdmin(blacklist_admin.OutstandingTokenAdmin):
    list_display = ("jti", "usuario", "creado", "caduca")
    fields = ("usuario", "jti", "token", "creado", "caduca")

    def get_readonly_fields(self, *args, **kwargs) -> list[str]:
        return list(self.fields)

    @admin.display(description="usuario", ordering="user")
    def usuario(self, token: OutstandingToken):
        return token.user

    @admin.display(description="creado", ordering="created_at")
    def creado(self, token: OutstandingToken):
        return token.created_at

    @admin.display(description="caduca", ordering="expires_at")
    def caduca(self, token: OutstandingToken):
        return token.expires_at


class BlacklistedTokenAdmin(blacklist_admin.BlacklistedTokenAdmin):
    list_display = ("token_jti", "token_user", "token_created_at", "token_expires_at", "en_lista_negra_desde")

    @admin.display(description="en la lista negra desde", ordering="blacklisted_at")
    def en_lista_negra_desde(self, token: BlacklistedToken):
        return token.blacklisted_at

    def get_form(self, request, obj=None, **kwargs):
        kwargs["labels"] = {"token": "token", "blacklisted_at": "en la lista negra desde"}
        return super().get_form(request, obj, **kwargs)


admin.site.unregister(OutstandingToken)
admin.site.register(OutstandingToken, OutstandingTokenAdmin)
admin.site.unregister(BlacklistedToken)
admin.site.register(BlacklistedToken, BlacklistedTokenAdmin)
