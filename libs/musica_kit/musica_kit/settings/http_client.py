"""The settings of an outgoing HTTP client: auth's to music_service (MUSIC_*), music's to its
providers (PROVIDER_*). One shape for both, each variable read from the environment as
``<PREFIX>_<NAME>`` with the service's own default."""

from musica_kit.env import env_float, env_int


def http_client(
    prefix: str, *, connect: float, read: float, pool: int, breaker_threshold: int, breaker_cooldown: float
) -> dict:
    """``<PREFIX>_CONNECT_TIMEOUT`` / ``_READ_TIMEOUT`` (seconds); ``_POOL_SIZE``: keep-alive connections
    per process, one per gunicorn thread, so no thread waiting on the other side opens (and throws
    away) a connection of its own; ``_BREAKER_THRESHOLD`` consecutive failures open the client's
    breaker (musica_kit.breaker) for ``_BREAKER_COOLDOWN`` seconds, then one call probes it."""
    return {
        f"{prefix}_CONNECT_TIMEOUT": env_float(f"{prefix}_CONNECT_TIMEOUT", connect),
        f"{prefix}_READ_TIMEOUT": env_float(f"{prefix}_READ_TIMEOUT", read),
        f"{prefix}_POOL_SIZE": env_int(f"{prefix}_POOL_SIZE", pool),
        f"{prefix}_BREAKER_THRESHOLD": env_int(f"{prefix}_BREAKER_THRESHOLD", breaker_threshold),
        f"{prefix}_BREAKER_COOLDOWN": env_float(f"{prefix}_BREAKER_COOLDOWN", breaker_cooldown),
    }
