"""musica_kit: the infrastructure both Música services share; it imports neither service."""
