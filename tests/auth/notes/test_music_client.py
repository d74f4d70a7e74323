"""auth's music client: `responses` plays music; a real server where sockets matter (caching, pools). The
request id reaching music: tests/e2e/test_log_correlation.py."""

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.conf import settings
from prometheus_client import REGISTRY

from notes.music_client import MusicIncomplete, MusicUnavailable, find_song
from tests.support.waiting import wait_until

EMPTY = {"query": "q", "source": "offline", "results": []}
INCOMPLETE = {"error": "x", "detalle": {"incompleta": True, "fallaron": ["deezer", "itunes", "x"]}}


@pytest.fixture
def music():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def answer(music, body=EMPTY, status=200, **headers):
    music.get(f"{settings.MUSIC_SERVICE_URL}/search", json=body, status=status, headers=headers)


def test_the_request_carries_the_service_token_and_no_redirect_is_followed(music):
    answer(music, status=302, Location="http://elsewhere/search")
    with pytest.raises(MusicUnavailable, match="302"):
        find_song("Redirigida")
    assert len(music.calls) == 1
    assert music.calls[0].request.headers["Authorization"] == f"Bearer {settings.MUSIC_SERVICE_TOKEN}"


@pytest.mark.parametrize(
    ("link", "kept"),
    [("https://i.scdn.co/image/x", True), ("data:image/svg+xml;base64,AAAA", True)]
    + [(unsafe, False) for unsafe in ("javascript:alert(1)", "data:text/html,<script>", 42)],
)
def test_only_safe_links_and_known_sources_are_kept(music, link, kept):
    track = {"titulo": "x" * 400, "foto": link, "url": link, "duracion_ms": True}
    answer(music, {"query": "q", "source": "napster", "results": [track]})
    song = find_song("Cualquiera")
    assert (song.foto, song.url) == ((link, link) if kept else (None, None))
    assert (song.titulo, song.fuente, song.duracion_ms) == ("x" * 300, None, None)


@pytest.mark.parametrize(
    ("status", "body", "raised"),
    [
        (200, EMPTY, None),
        (503, INCOMPLETE, MusicIncomplete),
        (503, {"error": "x", "detalle": {"motivo": "Spotify limita las peticiones"}}, MusicUnavailable),
        (503, {"error": "x", "detalle": {"incompleta": False, "fallaron": ["deezer"]}}, MusicUnavailable),
        (502, INCOMPLETE, MusicUnavailable),
        (500, {"error": "x", "detalle": {}}, MusicUnavailable),
        (429, {"error": "x", "detalle": {}}, MusicUnavailable),
        (401, {"error": "x", "detalle": {}}, MusicUnavailable),
        (200, {"results": "not a list"}, MusicUnavailable),
    ],
)
def test_what_music_answers_means_and_only_its_failures_open_the_breaker(
    music, fresh_breaker, status, body, raised
):
    answer(music, body, status)
    for _ in range(fresh_breaker.threshold + 1):
        with pytest.raises(raised) if raised else contextlib.nullcontext() as caught:
            assert find_song("Otra") is None
    assert fresh_breaker.state == ("open" if raised is MusicUnavailable else "closed")
    if raised is MusicIncomplete:
        assert caught.value.failed == ("deezer", "itunes")  # only names of music's sources


def test_the_breaker_opens_on_failures_and_after_the_cooldown_one_probe_decides(music, fresh_breaker):
    fresh_breaker.cooldown = 1.5  # the calls between two sleeps take milliseconds
    url, during_probe = f"{settings.MUSIC_SERVICE_URL}/search", []
    music.get(url, body=requests.ConnectionError("refused"))
    for reason in ["refused"] * fresh_breaker.threshold + ["circuit open"] * 5:
        with pytest.raises(MusicUnavailable, match=reason):
            find_song("Queen")
    assert len(music.calls) == fresh_breaker.threshold  # open: nothing more reached music
    wait_until(lambda: fresh_breaker.state == "half_open", timeout=10, message="breaker still open")
    for reason in ("refused", "circuit open"):  # a failed probe opens it again at once
        with pytest.raises(MusicUnavailable, match=reason):
            find_song("Queen")
    wait_until(lambda: fresh_breaker.state == "half_open", timeout=10, message="breaker still open")

    def probe(request):
        with pytest.raises(MusicUnavailable, match="circuit open"):
            find_song("Otra")  # everyone else still fails fast during the probe
        during_probe.append(request.url)
        return 200, {}, json.dumps(EMPTY)

    music.reset()
    music.add_callback(responses.GET, url, callback=probe)
    assert find_song("Despacito") is None and len(during_probe) == len(music.calls) == 1
    assert fresh_breaker.state == "closed"


def test_the_cache_is_bounded(music, settings):
    settings.MUSIC_HTTP_CACHE_ENTRIES = 5
    answer(music, **{"Cache-Control": "private, max-age=60"})
    for i in range(40):
        find_song(f"s{i}")
    assert find_song("s39") is None and len(music.calls) == 40  # the latest ones are still there
    for i in range(40):
        find_song(f"s{i}")
    assert len(music.calls) >= 40 + 35  # at most 5 were kept


@pytest.fixture
def real_music(settings):
    """A real server as music (headers and pools are real):
    answers ``.answer``, records each request's song and client port."""
    seen = SimpleNamespace(answer=(200, EMPTY, "private, max-age=60"), songs=[], ports=[])

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as music's gunicorn

        def do_GET(self):
            seen.songs.append(parse_qs(urlsplit(self.path).query)["q"][0])
            seen.ports.append(self.client_address[1])
            status, body, cache = seen.answer
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", cache)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MUSIC_SERVICE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield seen
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("song", ["Canción & Más + 100% ¿sí?", "Ñandú/😀 #1", "  a=b;c  "])
def test_a_fresh_answer_is_reused_and_any_song_reaches_music_as_written(real_music, song):
    for _ in range(3):
        assert find_song(song) is None
    assert real_music.songs == [song]  # max-age: one request, carrying the song exactly


def test_an_answer_is_asked_for_again_once_its_max_age_has_passed(real_music):
    real_music.answer = (200, EMPTY, "private, max-age=1")
    assert find_song("Breve") is None and find_song("Breve") is None
    assert real_music.songs == ["Breve"]
    asked_again = lambda: find_song("Breve") is None and len(real_music.songs) == 2  # noqa: E731
    wait_until(asked_again, timeout=5, message="a stale answer was still used")


@pytest.mark.parametrize(  # an error is never kept, whatever music says
    ("status", "body", "cache"),
    [(200, EMPTY, "no-store"), (503, INCOMPLETE, "max-age=60"), (502, INCOMPLETE, "max-age=60")]
    + [(status, {"error": "x", "detalle": {}}, "max-age=60") for status in (500, 429, 404)],
)
def test_no_store_and_failed_answers_are_never_kept(real_music, status, body, cache):
    real_music.answer = (status, body, cache)
    for _ in range(2):
        with contextlib.suppress(MusicUnavailable, MusicIncomplete):
            find_song("Otra")
    real_music.answer = (200, EMPTY, "private, max-age=60")
    assert find_song("Otra") is None  # the first healthy answer is used at once
    assert len(real_music.songs) == 3


def lookups(outcome: str) -> float:
    return REGISTRY.get_sample_value("musica_music_lookups_total", {"outcome": outcome}) or 0.0


def test_every_lookup_is_counted_and_a_fresh_answer_is_used_while_the_breaker_is_open(
    real_music, fresh_breaker
):
    outcomes = ("cache_hit", "answered", "not_found", "unavailable", "incompleta")
    before = {outcome: lookups(outcome) for outcome in outcomes}
    real_music.answer = (200, {**EMPTY, "results": [{"titulo": "Una"}]}, "no-store")
    assert find_song("Una").titulo == "Una"  # answered
    real_music.answer = (200, EMPTY, "max-age=60")
    assert find_song("Ninguna") is None  # not_found
    assert find_song("Ninguna") is None  # the same answer again, from the HTTP cache
    real_music.answer = (503, INCOMPLETE, "no-store")
    with pytest.raises(MusicIncomplete):
        find_song("Otra")
    real_music.answer = (500, {"error": "x", "detalle": {}}, "no-store")
    for n in range(fresh_breaker.threshold):  # the breaker opens
        with pytest.raises(MusicUnavailable):
            find_song(f"Otra {n}")
    assert find_song("Ninguna") is None  # still fresh: used while the breaker is open
    with pytest.raises(MusicUnavailable, match="circuit open"):
        find_song("Hey Jude")  # not known: music is not asked
    assert "Hey Jude" not in real_music.songs
    grown = [lookups(outcome) - before[outcome] for outcome in outcomes]
    assert grown == [2, 1, 1, fresh_breaker.threshold + 1, 1]


def test_the_pool_is_renewed_so_new_replicas_get_connections(real_music, settings):
    settings.MUSIC_SESSION_MAX_REQUESTS = 1  # as in compose: a fresh connection per call to music
    for n in range(4):
        find_song(f"Despacito {n}")
    assert len(set(real_music.ports)) == 4
    settings.MUSIC_SESSION_MAX_REQUESTS = 1000
    for n in range(4, 8):
        find_song(f"Despacito {n}")
    assert len(set(real_music.ports)) <= 5  # kept alive: at most one new connection for four calls
