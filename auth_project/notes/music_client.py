"""The only code that talks to music_service. Its parsed answers are kept per process while their
Cache-Control max-age lasts; the breaker sits below, so a fresh answer is served even while it is open."""

import logging
import threading
import time

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from musica_kit.breaker import CircuitBreaker
from musica_kit.request_context import REQUEST_ID_HEADER, get_request_id
from musica_kit.track import LINK_SCHEMES, SOURCES, safe_link

from .metrics import MUSIC_LOOKUPS
from .track import LINK_FIELDS, TEXT_FIELDS, Song

logger = logging.getLogger(__name__)


class MusicUnavailable(Exception):
    """No usable answer: music down, slow, erring, or the breaker open."""


class MusicIncomplete(Exception):
    """A better provider failed and the ones that answered had no match."""

    def __init__(self, failed: tuple[str, ...]):
        super().__init__(f"no match; these providers failed: {', '.join(failed)}")
        self.failed = failed


class _CircuitOpen(MusicUnavailable):
    """Not a failure of music: the breaker refused the call."""


breaker = CircuitBreaker(threshold=settings.MUSIC_BREAKER_THRESHOLD, cooldown=settings.MUSIC_BREAKER_COOLDOWN)


class _NetworkAdapter(HTTPAdapter):
    """Asks the breaker first; a new pool every MUSIC_SESSION_MAX_REQUESTS calls lets new replicas get
    traffic (DNS and Services balance per connection). The old pool is left to finish its calls."""

    def __init__(self, **kwargs):
        self._calls, self._calls_lock = 0, threading.Lock()
        super().__init__(**kwargs)

    def send(self, request, *args, **kwargs):
        if not breaker.allow():
            raise _CircuitOpen("circuit open")
        with self._calls_lock:
            self._calls += 1
            if self._calls > settings.MUSIC_SESSION_MAX_REQUESTS:
                self._calls = 1
                self.init_poolmanager(1, settings.MUSIC_POOL_SIZE)
        return super().send(request, *args, **kwargs)


# Not CacheControl: it stored a serialized copy of each answer and cost 0.87 M instructions (9 %) of a
# cold note, and its lookup 17 % of a cached note (docs/benchmarks.md, "Deviations kept").
_answers: dict[str, tuple[float, Song | None]] = {}
_answers_lock = threading.Lock()


def clear_cache() -> None:
    _answers.clear()


def _remember(query: str, response, song: Song | None) -> None:
    max_age = requests.utils.parse_dict_header(response.headers.get("Cache-Control", "")).get("max-age")
    if settings.MUSIC_HTTP_CACHE_ENTRIES > 0 and max_age and max_age.isdigit() and int(max_age) > 0:
        with _answers_lock:
            if len(_answers) >= settings.MUSIC_HTTP_CACHE_ENTRIES:
                del _answers[next(iter(_answers))]  # the oldest
            _answers[query] = (time.monotonic() + int(max_age), song)


def _new_session() -> requests.Session:
    session = requests.Session()
    # A failed connect reached nothing, so it is retried once; a read never is: music may be busy.
    retry = Retry(total=1, connect=1, read=0, status=0, other=0, backoff_factor=0)
    pool = {"pool_connections": 1, "pool_maxsize": settings.MUSIC_POOL_SIZE, "max_retries": retry}
    adapter = _NetworkAdapter(**pool)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # Internal plain HTTP skips requests' per-call proxy/.netrc scan, a large share of a call's CPU.
    session.trust_env = not settings.MUSIC_SERVICE_URL.startswith("http://")
    return session


_session = _new_session()


def _song_from(track: dict, source) -> Song:
    """Cleaned: text cut to its column, only safe links, only known sources."""
    duration, spotify_id = track.get("duracion_ms"), track.get("spotify_id")
    return Song(
        **{name: str(track.get(name) or "")[:300] for name in TEXT_FIELDS},
        **{name: safe_link(track.get(name), (*LINK_SCHEMES, "data:image/")) for name in LINK_FIELDS},
        spotify_id=str(spotify_id)[:64] if spotify_id else None,
        duracion_ms=duration if type(duration) is int and duration >= 0 else None,
        fuente=source if source in SOURCES else None,
    )


def _incomplete(response) -> tuple[str, ...] | None:
    """The failed providers of music's "incompleta" 503; None for any other answer."""
    if response.status_code != 503:
        return None
    try:
        detail = response.json()["detalle"]
        if detail["incompleta"] is not True:
            return None
        return tuple(name for name in detail.get("fallaron", ()) if name in SOURCES)
    except (ValueError, KeyError, TypeError):
        return None


def _headers() -> dict:
    headers = {"Accept": "application/json"}
    if request_id := get_request_id():
        headers[REQUEST_ID_HEADER] = request_id
    if settings.MUSIC_SERVICE_TOKEN:
        headers["Authorization"] = f"Bearer {settings.MUSIC_SERVICE_TOKEN}"
    return headers


def _song_of(body: dict) -> Song | None:
    results = body["results"]
    return _song_from(results[0], body.get("source")) if results else None


def find_song(query: str) -> Song | None:
    """The best match, or None; raises MusicIncomplete or MusicUnavailable."""
    if (answer := _answers.get(query)) is not None and answer[0] > time.monotonic():
        MUSIC_LOOKUPS.labels("cache_hit").inc()
        return answer[1]
    started = time.perf_counter()
    try:
        response = _session.get(
            f"{settings.MUSIC_SERVICE_URL}/search",
            params={"q": query, "limit": 1},
            headers=_headers(),
            timeout=(settings.MUSIC_CONNECT_TIMEOUT, settings.MUSIC_READ_TIMEOUT),
            allow_redirects=False,  # the token goes nowhere else
        )
        if (failed := _incomplete(response)) is not None:
            breaker.record_success()  # music itself answered; one of its providers did not
            logger.info("music answer incomplete", extra={"failed": failed})
            MUSIC_LOOKUPS.labels("incompleta").inc()
            raise MusicIncomplete(failed)
        if response.status_code != 200:
            raise MusicUnavailable(f"music answered {response.status_code}")
        body = response.json()
        if not isinstance(body["results"], list):
            raise MusicUnavailable("music answered an unexpected body")
    except _CircuitOpen:
        MUSIC_LOOKUPS.labels("unavailable").inc()
        raise MusicUnavailable("circuit open") from None
    except (requests.RequestException, ValueError, KeyError, TypeError, MusicUnavailable) as exc:
        breaker.record_failure()
        MUSIC_LOOKUPS.labels("unavailable").inc()
        logger.warning(
            "music unavailable",
            extra={
                "reason": type(exc).__name__,
                "detail": str(exc) if isinstance(exc, MusicUnavailable) else None,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        raise MusicUnavailable(str(exc)) from None
    breaker.record_success()
    MUSIC_LOOKUPS.labels("answered" if body["results"] else "not_found").inc()
    song = _song_of(body)
    _remember(query, response, song)
    return song
