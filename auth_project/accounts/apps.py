from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Cuentas"

    def ready(self):
        from .signals import permissions_rename

        # After contrib.auth's own receiver has created the permissions (it is installed first).
        post_migrate.connect(permissions_rename, dispatch_uid="accounts.permissions_rename")
