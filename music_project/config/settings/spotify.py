"""Spotify's keys exist in this service only."""

from musica_kit.env import env_float, env_str

SPOTIFY_CLIENT_ID = env_str("SPOTIFY_CLIENT_ID")
SPOTIFY_CLIENT_SECRET = env_str("SPOTIFY_CLIENT_SECRET")
SPOTIFY_API_URL = env_str("SPOTIFY_API_URL", "https://api.spotify.com/v1/")
SPOTIFY_AUTH_URL = env_str("SPOTIFY_AUTH_URL", "https://accounts.spotify.com/api/token")
SPOTIFY_CONNECT_TIMEOUT = env_float("SPOTIFY_CONNECT_TIMEOUT", 1.0)
SPOTIFY_READ_TIMEOUT = env_float("SPOTIFY_READ_TIMEOUT", 2.5)
SPOTIFY_MARKET = env_str("SPOTIFY_MARKET")

# Shared with auth_service; empty (only with DJANGO_DEBUG=1) disables the check.
MUSIC_SERVICE_TOKEN = env_str("MUSIC_SERVICE_TOKEN")
