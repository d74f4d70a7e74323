"""The table of Django's DatabaseCache (config/settings/base.py), auth's cache when REDIS_URL is
not set: a migration, so every `migrate` creates it on SQLite and PostgreSQL.

Created whatever CACHES says today (a deployment may move from Redis to no Redis later), with
Django's own createcachetable (a no-op when the table exists), and dropped on reverse.
"""

from django.core.management import call_command
from django.db import migrations

TABLE = "musica_cache"  # CACHES["default"]["LOCATION"] without REDIS_URL (config/settings/base.py)


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
