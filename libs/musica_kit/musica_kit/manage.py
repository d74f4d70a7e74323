"""Both services' manage.py: Django's command line, with the start-time secrets check."""

import os
import sys

from musica_kit.secrets import require_strong_secrets


def main(*, start_commands: set[str]) -> None:
    # Only start_commands refuse weak secrets: collectstatic and check --deploy run with any.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) > 1 and sys.argv[1] in start_commands:
        require_strong_secrets()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
