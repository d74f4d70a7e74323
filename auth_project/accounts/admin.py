from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from rest_framework_simplejwt.token_blacklist import admin as blacklist_admin
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from .models import User

admin.site.register(User, UserAdmin)
admin.site.unregister([OutstandingToken, BlacklistedToken])


def column(field: str, label: str):
    """``field`` under a Spanish label: SimpleJWT's token models have no verbose names."""
    return admin.display(description=label, ordering=field)(lambda model_admin, token: getattr(token, field))


@admin.register(OutstandingToken)
class OutstandingTokenAdmin(blacklist_admin.OutstandingTokenAdmin):
    list_display = ("jti", "usuario", "creado", "caduca")
    fields = ("usuario", "jti", "token", "creado", "caduca")
    usuario = column("user", "usuario")
    creado = column("created_at", "creado")
    caduca = column("expires_at", "caduca")

    def get_readonly_fields(self, *args, **kwargs) -> list[str]:
        return list(self.fields)


@admin.register(BlacklistedToken)
class BlacklistedTokenAdmin(blacklist_admin.BlacklistedTokenAdmin):
    list_display = ("token_jti", "token_user", "token_created_at", "token_expires_at", "en_lista_negra_desde")
    en_lista_negra_desde = column("blacklisted_at", "en la lista negra desde")
