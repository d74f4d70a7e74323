"""``manage.py migrate``, one process at a time: several auth replicas starting together (a Swarm
deploy, a scale-out) wait for each other on a PostgreSQL advisory lock, so each migration runs
once; the others find nothing left to apply. SQLite (one host, one replica) needs no lock.

Run from the project folder (/app) by docker/auth-entrypoint.sh.
"""

import os
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

MIGRATE_LOCK = 0x6D75736963  # "music": any number the project uses for nothing else

if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        # Held by this session until the process exits; migrate runs on the same connection.
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
call_command("migrate", interactive=False)
