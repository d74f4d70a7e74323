"""One account per username up to case and Unicode variants: the username_key column.

Added empty, filled from every existing username, then made unique. If existing accounts already
collide ("Ana" and "ANA"), the migration stops and names them: rename or merge them first.
"""

import unicodedata
from collections import defaultdict

from django.core.management.base import CommandError
from django.db import migrations, models

import accounts.models


def _key(username: str) -> str:
    # Frozen copy of accounts.usernames.username_key as of this migration.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())


def fill_username_keys(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = list(User.objects.using(schema_editor.connection.alias).only("pk", "username").order_by("pk"))
    by_key = defaultdict(list)
    for user in users:
        user.username_key = _key(user.username)
        by_key[user.username_key].append(user)
    collisions = [group for group in by_key.values() if len(group) > 1]
    if collisions:
        lines = "\n".join(
            "  " + ", ".join(f"{user.username!r} (id {user.pk})" for user in group) for group in collisions
        )
        raise CommandError(
            f"accounts.0002_username_key: {len(collisions)} group(s) of existing usernames differ only "
            "in case or Unicode form, and usernames must now be unique up to those. Rename (or merge) "
            "all but one account of each group, then migrate again:\n" + lines
        )
    User.objects.using(schema_editor.connection.alias).bulk_update(users, ["username_key"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", accounts.models.UserManager()),
            ],
        ),
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(editable=False, max_length=600, null=True),
        ),
        migrations.RunPython(fill_username_keys, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="user",
            name="username_key",
            field=models.CharField(
                editable=False,
                help_text="El nombre en minúsculas y forma Unicode NFKC: decide si dos nombres son la misma cuenta.",
                max_length=600,
                unique=True,
                verbose_name="clave del nombre de usuario",
            ),
        ),
    ]
