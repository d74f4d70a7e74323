import socket
import threading

import pytest

from musica_kit.request_context import _request_id
from notes import music_client


def test_finds_a_song_on_the_live_music_service(music_up):
    song = music_client.find_song("Bohemian Rhapsody")
    assert song.titulo == "Bohemian Rhapsody"
    assert song.foto.startswith("data:image/svg+xml")


def test_no_match_is_none(music_up):
    assert music_client.find_song("zzzz qqqq no existe") is None


def test_request_id_is_forwarded_to_music(music_up):
    token = _request_id.set("corr-id-1234567890")
    try:
        music_client.find_song("Despacito")
    finally:
        _request_id.reset(token)
    assert '"request_id": "corr-id-1234567890"' in music_up.logs()


class CountingListener:
    """A TCP port that accepts connections and never answers: a hung music_service."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.accepted = 0
        self.conns = []
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.conns.append(conn)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def close(self):
        for conn in self.conns:
            conn.close()
        self.sock.close()


@pytest.fixture
def hung_music(settings):
    listener = CountingListener()
    settings.MUSIC_SERVICE_URL = listener.url
    settings.MUSIC_READ_TIMEOUT = 0.2
    yield listener
    listener.close()


def test_breaker_opens_after_repeated_failures_and_stops_calling(hung_music, fresh_breaker, settings):
    for _ in range(settings.MUSIC_BREAKER_THRESHOLD):
        with pytest.raises(music_client.MusicUnavailable):
            music_client.find_song("Queen")
    assert hung_music.accepted == settings.MUSIC_BREAKER_THRESHOLD
    assert fresh_breaker.state != "closed"
    for _ in range(5):
        with pytest.raises(music_client.MusicUnavailable, match="circuit open"):
            music_client.find_song("Queen")
    assert hung_music.accepted == settings.MUSIC_BREAKER_THRESHOLD  # no further connection at all


def test_breaker_probes_after_the_cooldown_and_closes_on_success(music_up, monkeypatch, fresh_breaker):
    clock = [1000.0]
    monkeypatch.setattr(music_client.time, "monotonic", lambda: clock[0])
    for _ in range(fresh_breaker.threshold):
        fresh_breaker.record_failure()
    assert not fresh_breaker.allow()
    clock[0] += fresh_breaker.cooldown + 0.1
    assert music_client.find_song("Despacito") is not None  # the probe goes through
    assert fresh_breaker.state == "closed"


def test_a_failed_probe_reopens_the_breaker(monkeypatch, fresh_breaker):
    clock = [1000.0]
    monkeypatch.setattr(music_client.time, "monotonic", lambda: clock[0])
    for _ in range(fresh_breaker.threshold):
        fresh_breaker.record_failure()
    clock[0] += fresh_breaker.cooldown + 0.1
    assert fresh_breaker.allow()  # the probe
    assert not fresh_breaker.allow()  # everyone else still fails fast during the probe
    fresh_breaker.record_failure()
    assert not fresh_breaker.allow()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://i.scdn.co/image/x", "https://i.scdn.co/image/x"),
        ("data:image/svg+xml;base64,AAAA", "data:image/svg+xml;base64,AAAA"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        (42, None),
    ],
)
def test_only_safe_urls_are_kept(value, expected):
    assert music_client._song_from({"foto": value, "url": value}, "spotify").foto == expected


# --------------------------------------------------------------------------- HTTP caching


def _searches_seen_by(music) -> int:
    return music.logs().count('"path": "/search"')


def test_a_fresh_answer_is_reused_without_asking_music_again(music_up):
    first = music_client.find_song("Hotel California")
    seen = _searches_seen_by(music_up)
    assert seen >= 1
    for _ in range(3):
        assert music_client.find_song("Hotel California") == first
    assert _searches_seen_by(music_up) == seen  # music's max-age covers them: no request at all


def test_a_fresh_answer_is_used_even_while_the_breaker_is_open(music_up, fresh_breaker):
    known = music_client.find_song("Billie Jean")
    for _ in range(fresh_breaker.threshold):
        fresh_breaker.record_failure()
    assert fresh_breaker.state != "closed"
    assert music_client.find_song("Billie Jean") == known
    with pytest.raises(music_client.MusicUnavailable, match="circuit open"):
        music_client.find_song("Hey Jude")  # not known: music is not asked while the breaker is open


class ScriptedMusic:
    """A real HTTP server standing in for music: answers GET /search with the status and
    Cache-Control it is given, and counts the requests that reach it."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        outer = self
        self.status, self.cache_control, self.requests = 200, "private, max-age=60", 0
        self.queries: list[str] = []
        self.connections: set[int] = set()  # the client ports seen: one per connection
        self.location: str | None = None
        self.body = {"query": "q", "source": "offline", "results": []}

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as music's gunicorn

            def do_GET(self):
                import json
                from urllib.parse import parse_qs, urlsplit

                outer.requests += 1
                outer.connections.add(self.client_address[1])
                outer.queries.append(parse_qs(urlsplit(self.path).query)["q"][0])
                payload = json.dumps(outer.body).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Cache-Control", outer.cache_control)
                if outer.location:
                    self.send_header("Location", outer.location)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted_music(settings):
    server = ScriptedMusic()
    settings.MUSIC_SERVICE_URL = server.url
    settings.MUSIC_READ_TIMEOUT = 2
    yield server
    server.close()


def test_max_age_is_honoured_and_no_store_is_never_kept(scripted_music):
    assert music_client.find_song("Una") is None
    assert music_client.find_song("Una") is None
    assert scripted_music.requests == 1  # max-age=60: the second came from the cache

    scripted_music.cache_control = "no-store"
    for _ in range(2):
        music_client.find_song("Otra")
    assert scripted_music.requests == 3  # no-store: each one asked music


@pytest.mark.parametrize("status", [503, 502, 500, 429, 404])
def test_a_failed_answer_is_never_kept_even_with_a_max_age(scripted_music, status):
    scripted_music.status = status  # a music that (wrongly) lets its error be cached
    scripted_music.body = {"error": "x", "detalle": {"incompleta": True, "fallaron": ["deezer"]}}
    expected = music_client.MusicIncomplete if status == 503 else music_client.MusicUnavailable
    for _ in range(2):
        with pytest.raises(expected):
            music_client.find_song("Fallida")
    assert scripted_music.requests == 2
    scripted_music.status = 200
    scripted_music.body = {"query": "q", "source": "offline", "results": []}
    assert music_client.find_song("Fallida") is None  # the first healthy answer is used at once
    assert scripted_music.requests == 3


def test_the_cache_is_bounded():
    small = music_client.ProcessMemoryCache(max_entries=5)
    for i in range(40):
        small.set(f"http://music/search?q={i}", b"answer", expires=60)
    assert small.get("http://music/search?q=39") == b"answer"  # the latest ones are still there
    assert sum(small.get(f"http://music/search?q={i}") is not None for i in range(40)) <= 5


def test_the_pool_is_renewed_so_new_replicas_get_connections(scripted_music, settings):
    settings.MUSIC_SESSION_MAX_REQUESTS = 1  # as in compose: a fresh connection per call to music
    for n in range(4):
        music_client.find_song(f"Despacito {n}")
    assert len(scripted_music.connections) == 4
    for _ in range(3):
        music_client.find_song("Despacito 3")  # fresh in the cache: no call, no connection
    settings.MUSIC_SESSION_MAX_REQUESTS = 1000
    for n in range(4, 8):
        music_client.find_song(f"Despacito {n}")
    assert scripted_music.requests == 8
    assert len(scripted_music.connections) <= 5  # kept alive: at most one new connection for four calls


@pytest.mark.parametrize("song", ["Canción & Más + 100% ¿sí?", "Ñandú/😀 #1", "  a=b;c  "])
def test_any_song_reaches_music_as_written_and_is_then_reused(scripted_music, song):
    for _ in range(2):
        assert music_client.find_song(song) is None
    assert scripted_music.queries == [song]  # one request, carrying the song exactly


def test_a_redirect_is_not_followed(scripted_music):
    scripted_music.status = 302
    scripted_music.location = f"{scripted_music.url}/elsewhere"  # would be asked with the token
    with pytest.raises(music_client.MusicUnavailable, match="302"):
        music_client.find_song("Redirigida")
    assert scripted_music.requests == 1


# --------------------------------------------------------------------------- what music's answers mean


def test_incompleta_names_the_failed_providers_and_is_no_failure_of_music(scripted_music, fresh_breaker):
    scripted_music.status, scripted_music.cache_control = 503, "no-store"
    scripted_music.body = {
        "error": "El servicio de música no está disponible ahora.",
        "detalle": {"motivo": "sin coincidencias", "incompleta": True, "fallaron": ["deezer", "itunes", "x"]},
    }
    for _ in range(fresh_breaker.threshold + 1):
        with pytest.raises(music_client.MusicIncomplete) as caught:
            music_client.find_song("zzzz qqqq")
        assert caught.value.failed == ("deezer", "itunes")  # only names of music's sources
    assert not isinstance(caught.value, music_client.MusicUnavailable)
    assert fresh_breaker.state == "closed"


@pytest.mark.parametrize(
    ("status", "detalle"),
    [
        (503, {"motivo": "Spotify limita las peticiones"}),
        (503, {"incompleta": False, "fallaron": ["deezer"]}),
        (502, {"incompleta": True, "fallaron": ["deezer"]}),
        (500, {}),
        (429, {}),
        (401, {}),
    ],
)
def test_any_other_answer_but_a_200_is_music_unavailable(scripted_music, status, detalle):
    scripted_music.status, scripted_music.cache_control = status, "no-store"
    scripted_music.body = {"error": "x", "detalle": detalle}
    with pytest.raises(music_client.MusicUnavailable):
        music_client.find_song("Cualquiera")


def lookups(outcome: str) -> float:
    """musica_music_lookups_total{outcome} in this process' registry (no gunicorn here)."""
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value("musica_music_lookups_total", {"outcome": outcome}) or 0.0


def test_every_lookup_is_counted_by_its_outcome(scripted_music, fresh_breaker):
    outcomes = ("cache_hit", "answered", "not_found", "unavailable", "incompleta")
    before = {outcome: lookups(outcome) for outcome in outcomes}
    scripted_music.body = {"query": "q", "source": "offline", "results": []}
    assert music_client.find_song("Ninguna") is None  # not_found
    assert music_client.find_song("Ninguna") is None  # the same answer again, from the HTTP cache
    scripted_music.status, scripted_music.cache_control = 503, "no-store"
    scripted_music.body = {"error": "x", "detalle": {"incompleta": True, "fallaron": ["deezer"]}}
    with pytest.raises(music_client.MusicIncomplete):
        music_client.find_song("Otra")
    scripted_music.body = {"error": "x", "detalle": {}}
    with pytest.raises(music_client.MusicUnavailable):
        music_client.find_song("Otra más")
    grown = {outcome: lookups(outcome) - before[outcome] for outcome in outcomes}
    assert grown == {"cache_hit": 1, "answered": 0, "not_found": 1, "unavailable": 1, "incompleta": 1}


def test_a_match_is_counted_as_answered(music_up):
    before = lookups("answered")
    assert music_client.find_song("Bohemian Rhapsody") is not None
    assert lookups("answered") == before + 1
