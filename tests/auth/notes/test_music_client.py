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
    assert fresh_breaker.is_open
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
    assert not fresh_breaker.is_open


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
    assert music_client._safe_url(value) == expected


def test_the_pool_is_renewed_so_new_replicas_get_connections(music_up, settings, monkeypatch):
    monkeypatch.setattr(music_client, "_session", None)
    settings.MUSIC_SESSION_MAX_REQUESTS = 3
    sessions = []
    for _ in range(7):
        music_client.find_song("Despacito")
        sessions.append(music_client._session)
    assert len({id(session) for session in sessions}) == 3  # requests 1-3, 4-6, 7
    assert sessions[0] is sessions[2] and sessions[2] is not sessions[3]
