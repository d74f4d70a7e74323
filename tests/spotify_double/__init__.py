"""Spotify Web API test double (see ``server.py``) and its OpenAPI contract tests."""

from .server import SpotifyDouble

__all__ = ["SpotifyDouble"]
