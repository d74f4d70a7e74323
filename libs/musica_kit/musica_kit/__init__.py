"""musica_kit: the infrastructure both Música services need, written once.

Installed by requirements/auth.txt and requirements/music.txt and copied into both images; it
imports neither service, and neither service imports the other. See docs/architecture.md.
"""
