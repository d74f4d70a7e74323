#!/usr/bin/env python
"""Django's command-line utility for auth_service."""

from musica_kit.manage import main

if __name__ == "__main__":
    main(start_commands={"runserver", "enrich_pending"})
