"""Default permissions named in Spanish ("Puede añadir nota"): Django stores English names."""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router
from django.utils import translation

ACTIONS = {"add": "añadir", "change": "cambiar", "delete": "borrar", "view": "ver"}


def permissions_rename(app_config, using: str = DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    try:
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    if not router.allow_migrate_model(using, permission_model):
        return
    for model in app_config.get_models():
        opts = model._meta
        for action in set(opts.default_permissions) & ACTIONS.keys():
            with translation.override("es"):
                name = f"Puede {ACTIONS[action]} {opts.verbose_name}"[:255]
            permission_model.objects.using(using).filter(
                content_type__app_label=opts.app_label,
                content_type__model=opts.model_name,
                codename=f"{action}_{opts.model_name}",
            ).exclude(name=name).update(name=name)
