"""Default permissions named in Spanish ("Puede añadir nota"): Django stores English names."""

from django.contrib.auth.models import Permission
from django.utils import translation

ACTIONS = {"add": "añadir", "change": "cambiar", "delete": "borrar", "view": "ver"}


def permissions_rename(app_config, using, **kwargs) -> None:
    with translation.override("es"):
        for model in app_config.get_models():
            opts = model._meta
            for action in set(opts.default_permissions) & ACTIONS.keys():
                Permission.objects.using(using).filter(
                    content_type__app_label=opts.app_label, codename=f"{action}_{opts.model_name}"
                ).update(name=f"Puede {ACTIONS[action]} {opts.verbose_name}")
