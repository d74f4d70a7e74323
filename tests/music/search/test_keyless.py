"""Deezer and iTunes behind the provider seam, against the doubles (tests/keyless_double) only."""

import importlib
import logging
import re
import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from search.providers import get_chain
from search.providers.base import upstream_error
from search.providers.keyless import RateLimiter, track_from_deezer, track_from_itunes
from tests.keyless_double.server import recorded
from tests.support.processes import free_port
from tests.support.waiting import wait_until

RECORDED = recorded()
DEEZER_TRACK = RECORDED["deezer"]["search"]["answer"]["data"][0]
ITUNES_ITEM = RECORDED["itunes"]["search"]["answer"]["results"][0]


def _chain(settings, *names):
    settings.MUSIC_PROVIDERS = list(names)
    get_chain.cache_clear()


DEEZER_ANSWER = {
    "titulo": DEEZER_TRACK["title"], "artista": DEEZER_TRACK["artist"]["name"],
    "album": DEEZER_TRACK["album"]["title"], "foto": DEEZER_TRACK["album"]["cover_xl"],  # the 1000px cover
    "preview_url": DEEZER_TRACK["preview"], "duracion_ms": DEEZER_TRACK["duration"] * 1000,
    "url": DEEZER_TRACK["link"],
}  # fmt: skip
ITUNES_ANSWER = {
    "titulo": ITUNES_ITEM["trackName"], "artista": ITUNES_ITEM["artistName"],
    "album": ITUNES_ITEM["collectionName"],
    "foto": ITUNES_ITEM["artworkUrl100"].replace("/100x100bb.jpg", "/600x600bb.jpg"),
    "preview_url": ITUNES_ITEM["previewUrl"], "duracion_ms": ITUNES_ITEM["trackTimeMillis"],
    "url": ITUNES_ITEM["trackViewUrl"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("chain", "query", "expected"),
    [
        (["deezer", "itunes", "offline"], "Too much Lou Doillon", DEEZER_ANSWER),
        (["itunes", "offline"], "Jack Johnson This Bike Is a Pipe Bomb", ITUNES_ANSWER),
    ],
    ids=["deezer", "itunes"],
)
def test_a_recorded_answer_comes_out_of_search_exactly(client, keyless, settings, chain, query, expected):
    _chain(settings, *chain)
    body = client.get("/search", {"q": query}).json()
    assert body["source"] == chain[0]
    assert body["results"] == [{"spotify_id": None, "spotify_url": None, **expected}]
    assert keyless.stats(chain[0])["queries"] == [query]
    assert keyless.stats("itunes" if chain[0] == "deezer" else "deezer")["search_calls"] == 0


# -- failover: each kind of failure, for each provider ---------------------------------------------

FAILURES = ["timeout", "refused", "500", "503", "429", "limiter", "error", "quota", "garbage"]


def _break(kind: str, api: str, double, settings) -> None:
    if kind == "timeout":
        settings.PROVIDER_READ_TIMEOUT = 0.3
        double.configure(api, latency_ms=1500)
    elif kind == "refused":
        setattr(settings, f"{api.upper()}_API_URL", f"http://127.0.0.1:{free_port()}")
    elif kind == "limiter":
        setattr(settings, f"{api.upper()}_RATE_LIMIT", "1/3600")
    else:
        double.configure(api, mode=kind, retry_after=120)
    get_chain.cache_clear()
    if kind == "limiter":  # the one request the window allows, spent by another worker or replica
        RateLimiter(api, "1/3600").acquire()


@pytest.mark.parametrize("kind", FAILURES)
@pytest.mark.parametrize(("failing", "next_one"), [("deezer", "itunes"), ("itunes", "deezer")])
def test_a_failing_provider_is_skipped_and_its_breaker_opens(
    client, keyless, settings, failing, next_one, kind
):
    _chain(settings, failing, next_one, "offline")
    keyless.synthesize = True
    _break(kind, failing, keyless, settings)

    response = client.get("/search", {"q": f"Canción de prueba {kind}"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["source"], body["results"][0]["titulo"]) == (next_one, f"Canción de prueba {kind}")
    states = {row["name"]: row for row in client.get("/health").json()["providers"]}
    assert (states[failing]["state"], states[next_one]["state"]) == ("open", "closed")
    if kind == "429":
        assert states[failing]["retry_in"] > 60  # the provider's Retry-After (120 s), not the cooldown
    if kind == "limiter":
        # The rest of the limiter's fixed one-hour window, not the cooldown.
        window_left = 3600 - int(time.time()) % 3600
        assert window_left - 3 <= states[failing]["retry_in"] <= window_left + 3, window_left
    asked = keyless.stats(failing)["search_calls"]
    # While its breaker is open, the failing provider is not asked at all.
    assert client.get("/search", {"q": "Otra canción"}).json()["source"] == next_one
    assert keyless.stats(failing)["search_calls"] == asked


SPANISH_REASONS = (
    r"^(deezer (tardó demasiado|respondió|limita las peticiones|superó su cuota|no está disponible ahora)"
    r"|No se pudo contactar con deezer|Límite de peticiones a deezer)"
)


@pytest.mark.parametrize("kind", FAILURES)
def test_when_the_only_provider_fails_the_reason_is_spanish_and_not_stored(client, keyless, settings, kind):
    _chain(settings, "deezer")
    _break(kind, "deezer", keyless, settings)
    for _ in range(2):  # the failure itself, then the open breaker's answer
        response = client.get("/search", {"q": f"Canción {kind}"})
        assert response.status_code in (502, 503), response.content
        assert re.search(SPANISH_REASONS, response.json()["detalle"]["motivo"]), response.json()
        assert response["Cache-Control"] == "no-store" and "Authorization" in response["Vary"]


def test_a_miss_is_final_only_when_every_provider_answered_in_good_health(client, keyless, caplog):
    healthy = client.get("/search", {"q": "zzzz qqqq no existe"})
    assert healthy.status_code == 200 and healthy.json()["results"] == []
    assert [keyless.stats(api)["search_calls"] for api in ("deezer", "itunes")] == [1, 1]

    keyless.configure("deezer", mode="503")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = client.get("/search", {"q": "wwww kkkk tampoco"})
        again = client.get("/search", {"q": "wwww kkkk tampoco"})  # the result cache's copy
    assert response.status_code == again.status_code == 503
    assert response["Cache-Control"] == again["Cache-Control"] == "no-store"
    assert response.json()["detalle"]["incompleta"] is True
    assert response.json()["detalle"]["fallaron"] == ["deezer"]
    # An expected answer, not a server error.
    assert [(r.name, r.getMessage()) for r in caplog.records if r.levelno >= logging.ERROR] == []
    # The access line says what happened: a 503 and the provider that failed.
    access = [r for r in caplog.records if r.name == "music.access"]
    assert [(r.levelname, r.status, r.failed) for r in access] == [("INFO", 503, ("deezer",))] * 2


def test_a_failover_answer_is_cached_only_briefly(client, keyless, settings):
    settings.SEARCH_CACHE_FAILOVER_TTL = 1
    settings.PROVIDER_BREAKER_COOLDOWN = 0.5
    keyless.synthesize = True
    keyless.configure("deezer", mode="503")
    first = client.get("/search", {"q": "Cancion efimera"})
    assert first.json()["source"] == "itunes"
    assert first["Cache-Control"] == "private, max-age=1"  # the short failover TTL, told to the client
    keyless.configure("deezer", mode="ok")
    assert client.get("/search", {"q": "Cancion efimera"}).json()["source"] == "itunes"  # cached

    # Once the 1 s failover TTL has run out (a little later on a loaded machine), Deezer answers.
    def deezer_answers():
        body = client.get("/search", {"q": "Cancion efimera"}).json()
        return body if body["source"] == "deezer" else None

    wait_until(deezer_answers, timeout=3, message="iTunes' failover answer outlived its 1 s TTL by 3 s")


def test_with_no_network_the_catalog_answers_and_health_and_ready_report_the_chain(client, keyless, settings):
    settings.DEEZER_API_URL, settings.ITUNES_API_URL = (f"http://127.0.0.1:{free_port()}" for _ in "ab")
    get_chain.cache_clear()
    first = client.get("/search", {"q": "Bohemian Rhapsody"})
    assert first.status_code == 200 and first.json()["source"] == "offline"
    health = client.get("/health").json()
    assert (health["status"], health["source"]) == ("ok", "offline")  # the first that would be asked now
    rows = [(row["name"], row["state"]) for row in health["providers"]]
    assert rows == [("deezer", "open"), ("itunes", "open"), ("offline", "closed")]
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert [row["ready"] for row in ready.json()["providers"]] == [False, False, True]


def test_unknown_provider_names_are_refused_at_start(monkeypatch):
    import config.settings.base as base_settings

    monkeypatch.setenv("MUSIC_PROVIDERS", "deezer,napster")
    with pytest.raises(ImproperlyConfigured, match="napster"):
        importlib.reload(base_settings)
    monkeypatch.delenv("MUSIC_PROVIDERS")
    importlib.reload(base_settings)


def test_only_http_links_reach_a_track():
    hostile = "javascript:alert(1)"
    cover = "http://e-cdns-images.dzcdn.net/images/cover/x/1000x1000-000000-80-0-0.jpg"
    deezer = track_from_deezer(
        {"title": "x", "link": hostile, "preview": 5, "album": {"cover_xl": hostile, "cover_big": cover}}
    )
    assert (deezer.url, deezer.preview_url, deezer.foto) == (None, None, cover)
    artwork = "https://is1-ssl.mzstatic.com/image/thumb/x/100x100bb.jpg"
    itunes = track_from_itunes(
        {"trackName": "x", "trackViewUrl": hostile, "previewUrl": ["https://x"], "artworkUrl100": artwork}
    )
    assert (itunes.url, itunes.preview_url) == (None, None)
    assert itunes.foto == artwork.replace("100x100bb", "600x600bb")


RETRY_AFTER = [({"Retry-After": "120"}, 120), ({"Retry-After": "0"}, 1), ({"Retry-After": "soon"}, 30)]


@pytest.mark.parametrize(("headers", "seconds"), [*RETRY_AFTER, ({}, 30), (None, 30)])
def test_a_429_waits_as_long_as_retry_after_says_or_30_seconds(headers, seconds):
    assert upstream_error("deezer", 429, headers).retry_after == seconds
