"""Who music_service asks, in which order (empty: search.providers.chain_names), and how politely."""

from django.core.exceptions import ImproperlyConfigured

from musica_kit.env import env_float, env_int, env_list, env_str
from musica_kit.track import SOURCES as _SOURCES

MUSIC_PROVIDERS = env_list("MUSIC_PROVIDERS", "")
DEEZER_API_URL = env_str("DEEZER_API_URL", "https://api.deezer.com")
ITUNES_API_URL = env_str("ITUNES_API_URL", "https://itunes.apple.com")
ITUNES_COUNTRY = env_str("ITUNES_COUNTRY", "US")

# Short timeouts: another provider is ready to answer.
PROVIDER_CONNECT_TIMEOUT = env_float("PROVIDER_CONNECT_TIMEOUT", 0.5)
PROVIDER_READ_TIMEOUT = env_float("PROVIDER_READ_TIMEOUT", 1.5)
PROVIDER_POOL_SIZE = env_int("PROVIDER_POOL_SIZE", 64)
PROVIDER_BREAKER_THRESHOLD = env_int("PROVIDER_BREAKER_THRESHOLD", 1)
PROVIDER_BREAKER_COOLDOWN = env_float("PROVIDER_BREAKER_COOLDOWN", 30.0)
# auth_service's MUSIC_READ_TIMEOUT (3 s) must not run out.
PROVIDER_CHAIN_BUDGET = env_float("PROVIDER_CHAIN_BUDGET", 2.0)

# Published limits, "requests/seconds".
DEEZER_RATE_LIMIT = env_str("DEEZER_RATE_LIMIT", "50/5")
ITUNES_RATE_LIMIT = env_str("ITUNES_RATE_LIMIT", "20/60")

SEARCH_CACHE_FAILOVER_TTL = env_int("SEARCH_CACHE_FAILOVER_TTL", 5 * 60)

# Spotify's keys exist in this service only.
SPOTIFY_CLIENT_ID = env_str("SPOTIFY_CLIENT_ID")
SPOTIFY_CLIENT_SECRET = env_str("SPOTIFY_CLIENT_SECRET")
SPOTIFY_API_URL = env_str("SPOTIFY_API_URL", "https://api.spotify.com/v1/")
SPOTIFY_AUTH_URL = env_str("SPOTIFY_AUTH_URL", "https://accounts.spotify.com/api/token")
SPOTIFY_CONNECT_TIMEOUT = env_float("SPOTIFY_CONNECT_TIMEOUT", 1.0)
SPOTIFY_READ_TIMEOUT = env_float("SPOTIFY_READ_TIMEOUT", 2.5)
SPOTIFY_MARKET = env_str("SPOTIFY_MARKET")

if bad := [name for name in MUSIC_PROVIDERS if name not in _SOURCES] or (
    len(set(MUSIC_PROVIDERS)) != len(MUSIC_PROVIDERS) and ["(repeated)"]
):
    raise ImproperlyConfigured(
        f"MUSIC_PROVIDERS: {', '.join(bad)} not allowed; use each of {', '.join(_SOURCES)} at most once"
    )
