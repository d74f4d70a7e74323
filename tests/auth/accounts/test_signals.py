"""After migrate, the admin's default permissions are named in Spanish (accounts.signals)."""

import pytest
from django.contrib.auth.models import Permission

pytestmark = pytest.mark.django_db


def test_default_permissions_are_named_in_spanish():
    names = dict(Permission.objects.filter(codename__endswith="_note").values_list("codename", "name"))
    assert names == {
        "add_note": "Puede añadir nota",
        "change_note": "Puede cambiar nota",
        "delete_note": "Puede borrar nota",
        "view_note": "Puede ver nota",
    }
