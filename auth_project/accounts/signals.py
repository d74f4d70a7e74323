"""Permission names in Spanish: a post_migrate receiver (connected in accounts.apps).

Django stores each permission's name in the database when it creates it ("Can add nota": an
English verb and the untranslated verbose name), and the admin shows those names as they are
(in the group and user forms). After every migrate the default permissions are renamed to
Spanish ("Puede añadir nota"); custom permissions keep the name their model gives them.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router
from django.utils import translation

ACTIONS = {"add": "añadir", "change": "cambiar", "delete": "borrar", "view": "ver"}


def spanish_name(action: str, verbose_name: str) -> str:
    return f"Puede {ACTIONS[action]} {verbose_name}"[:255]


def permissions_rename(app_config, using: str = DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """post_migrate receiver (sent once per app): the app's default permissions named in Spanish."""
    try:
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    if not router.allow_migrate_model(using, permission_model):
        return
    with translation.override("es"):
        for model in app_config.get_models():
            opts = model._meta
            for action in opts.default_permissions:
                if action not in ACTIONS:
                    continue
                (
                    permission_model.objects.using(using)
                    .filter(
                        content_type__app_label=opts.app_label,
                        content_type__model=opts.model_name,
                        codename=f"{action}_{opts.model_name}",
                    )
                    .exclude(name=spanish_name(action, str(opts.verbose_name)))
                    .update(name=spanish_name(action, str(opts.verbose_name)))
                )
