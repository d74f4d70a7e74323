"""accounts.0002_username_key against databases that already hold users."""

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0001_initial")]
AFTER = [("accounts", "0002_username_key")]

pytestmark = pytest.mark.django_db(transaction=True)


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


def test_existing_users_get_their_key(old_user_model):
    for name in ("Ana", "bruno", "ЖАННА", "ｃａｒｌｏｓ"):
        old_user_model.objects.create(username=name, password="!")
    new_model = migrate_forward()
    keys = dict(new_model.objects.values_list("username", "username_key"))
    assert keys == {"Ana": "ana", "bruno": "bruno", "ЖАННА": "жанна", "ｃａｒｌｏｓ": "carlos"}


def test_colliding_users_stop_the_migration_and_are_named(old_user_model):
    for name in ("Ana", "ANA", "ａｎａ", "bruno", "Bruno", "carla"):
        old_user_model.objects.create(username=name, password="!")
    with pytest.raises(CommandError) as failure:
        migrate_forward()
    message = str(failure.value)
    assert "2 group(s)" in message
    for name in ("'Ana'", "'ANA'", "'ａｎａ'", "'bruno'", "'Bruno'"):
        assert name in message
    assert "carla" not in message
    # Nothing half-done: still at the previous state, every account untouched.
    assert MigrationExecutor(connection).loader.applied_migrations.keys() >= set(BEFORE)
    assert ("accounts", "0002_username_key") not in MigrationExecutor(connection).loader.applied_migrations
    assert old_user_model.objects.count() == 6
