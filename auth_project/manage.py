#!/usr/bin/env python
"""Django's command-line utility for auth_service."""

import os
import sys

# Commands that serve or enrich refuse weak or placeholder secrets when DEBUG is off
# (config/secrets.py); the others (collectstatic in an image build, check --deploy) run with any.
START_COMMANDS = {"runserver", "enrich_pending"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) > 1 and sys.argv[1] in START_COMMANDS:
        from config.secrets import require_strong_secrets

        require_strong_secrets()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
