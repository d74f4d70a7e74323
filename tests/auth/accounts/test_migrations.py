"""accounts.0002_username_key against a database that already holds users."""

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0001_initial")]
AFTER = [("accounts", "0002_username_key")]


@pytest.fixture
def old_user_model():
    """The database migrated back to before the key; put back at the latest state afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    model = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    yield model
    model.objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_forward():
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    return executor.loader.project_state(AFTER).apps.get_model("accounts", "User")


@pytest.mark.django_db(transaction=True)
def test_colliding_users_stop_the_migration_by_name_and_the_others_get_their_key(old_user_model):
    for name in ("Ana", "ANA", "ａｎａ", "bruno", "Bruno", "ЖАННА", "ｃａｒｌｏｓ"):
        old_user_model.objects.create(username=name, password="!")
    with pytest.raises(CommandError) as failure:
        migrate_forward()
    message = str(failure.value)
    assert "2 group(s)" in message and "carlos" not in message
    assert all(f"'{name}'" in message for name in ("Ana", "ANA", "ａｎａ", "bruno", "Bruno")), message
    # Nothing half-done: still at the previous state, every account untouched.
    assert AFTER[0] not in MigrationExecutor(connection).loader.applied_migrations
    assert old_user_model.objects.count() == 7

    old_user_model.objects.filter(username__in=["ANA", "ａｎａ", "Bruno"]).delete()
    keys = dict(migrate_forward().objects.values_list("username", "username_key"))
    assert keys == {"Ana": "ana", "bruno": "bruno", "ЖАННА": "жанна", "ｃａｒｌｏｓ": "carlos"}
