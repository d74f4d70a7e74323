"""A Spotify Web API test double: a real HTTP server, standard library only.

It answers the two calls the music service makes through ``spotipy``
(client-credentials flow):

* ``POST /api/token`` -- the accounts service (``SPOTIFY_AUTH_URL``);
* ``GET /v1/search`` -- the Web API (``SPOTIFY_API_URL``), ``type=track``.

Responses follow Spotify's published OpenAPI description (``SearchItems`` /
``PagingTrackObject`` / ``TrackObject``, ``ErrorObject``) and the accounts
service's OAuth error shape; ``test_contract.py`` holds it to that contract.

Test controls, in-process (``SpotifyDouble.configure/stats/reset``) or over
HTTP when the double runs as its own process or container:
``POST /_control/config``, ``GET /_control/stats``, ``POST /_control/reset``
and ``GET /_control/health``.

Standalone::

    python tests/spotify_double/server.py --host 0.0.0.0 --port 8080 \\
        --client-id X --client-secret Y [--synthesize]

Keep this file free of third-party and relative imports: it must run as a
script and import as ``tests.spotify_double.server``.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import copy
import hashlib
import json
import re
import secrets
import signal
import sys
import threading
import time
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import parse_qs, quote, urlsplit

__all__ = ["CATALOG_PATH", "NO_RESULTS_QUERY", "SpotifyDouble", "load_catalog"]

CATALOG_PATH = Path(__file__).with_name("catalog.json")
NO_RESULTS_QUERY = "__nada__"
DEFAULT_CLIENT_ID = "test-client-id"
DEFAULT_CLIENT_SECRET = "test-client-secret"

MODES = ("ok", "429", "500", "503")
DEFAULT_CONFIG = {
    "latency_ms": 0,
    "mode": "ok",
    "retry_after": None,
    "synthesize": False,
    "token_expires_in": 3600,
}
CONFIG_KEYS = tuple(DEFAULT_CONFIG)

# Search parameter bounds from the published OpenAPI description (GET /search).
LIMIT_DEFAULT, LIMIT_MIN, LIMIT_MAX = 5, 1, 10
OFFSET_MAX = 1000
SEARCH_TYPES = ("album", "artist", "playlist", "track", "show", "episode", "audiobook")

ERROR_MESSAGES = {
    429: "API rate limit exceeded",
    500: "Server error.",
    503: "Service unavailable",
}

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_FIELD_RE = re.compile(r'(?i)\b(track|artist|album|year|isrc):(?:"([^"]*)"|(\S+))')
_MARKET_RE = re.compile(r"^[A-Z]{2}$")


def load_catalog(path: str | Path = CATALOG_PATH) -> list[dict]:
    """Return the catalog's TrackObjects (a fresh copy each call)."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)["tracks"]


def normalize(text: str) -> str:
    """Case- and accent-insensitive form used for matching and hashing."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _words(text: str) -> list[str]:
    return normalize(text).split()


def base62_id(seed: str, length: int = 22) -> str:
    number = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")
    chars = []
    for _ in range(length):
        number, rem = divmod(number, 62)
        chars.append(_BASE62[rem])
    return "".join(chars)


def parse_query(q: str) -> tuple[list[str], dict[str, list[str]]]:
    """Split a Spotify query into free-text words and field filters."""
    filters: dict[str, list[str]] = {}
    for match in _FIELD_RE.finditer(q):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        filters.setdefault(match.group(1).lower(), []).append(value)
    free_text = _FIELD_RE.sub(" ", q)
    return _words(free_text), filters


def _prefix_match(needles: list[str], haystack: list[str]) -> bool:
    return all(any(word.startswith(needle) for word in haystack) for needle in needles)


def _year_match(spec: str, release_date: str) -> bool:
    year = release_date[:4]
    if "-" in spec:
        low, _, high = spec.partition("-")
        return low <= year <= high
    return year == spec


def track_matches(track: dict, free_words: list[str], filters: dict[str, list[str]]) -> bool:
    name = _words(track["name"])
    artists = [w for artist in track["artists"] for w in _words(artist["name"])]
    album = _words(track["album"]["name"])
    for value in filters.get("track", []):
        if not _prefix_match(_words(value), name):
            return False
    for value in filters.get("artist", []):
        if not _prefix_match(_words(value), artists):
            return False
    for value in filters.get("album", []):
        if not _prefix_match(_words(value), album):
            return False
    for value in filters.get("year", []):
        if not _year_match(value.strip(), track["album"]["release_date"]):
            return False
    for value in filters.get("isrc", []):
        if track.get("external_ids", {}).get("isrc", "").upper() != value.strip().upper():
            return False
    return _prefix_match(free_words, name + artists + album)


def synthesize_track(q: str) -> dict:
    """One deterministic TrackObject built from the query text."""
    _, filters = parse_query(q)
    key = normalize(q)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    track_id = base62_id("track:" + key)
    album_id = base62_id("album:" + key)
    artist_name = (filters.get("artist") or ["Synthetic Artist"])[0].strip() or "Synthetic Artist"
    artist_id = base62_id("artist:" + normalize(artist_name))
    name = (filters.get("track") or [""])[0].strip()
    if not name:
        name = _FIELD_RE.sub(" ", q).strip() or q.strip()
    name = " ".join(name.split())
    image_hex = digest[:24]
    seed = int(digest[24:32], 16)
    artist = {
        "external_urls": {"spotify": f"https://open.spotify.com/artist/{artist_id}"},
        "href": f"https://api.spotify.com/v1/artists/{artist_id}",
        "id": artist_id,
        "name": artist_name,
        "type": "artist",
        "uri": f"spotify:artist:{artist_id}",
    }
    markets = ["AR", "BR", "CA", "CL", "CO", "DE", "ES", "FR", "GB", "IT", "MX", "US"]
    album = {
        "album_type": "single",
        "artists": [artist],
        "available_markets": list(markets),
        "external_urls": {"spotify": f"https://open.spotify.com/album/{album_id}"},
        "href": f"https://api.spotify.com/v1/albums/{album_id}",
        "id": album_id,
        "images": [
            {"height": 640, "url": f"https://i.scdn.co/image/ab67616d0000b273{image_hex}", "width": 640},
            {"height": 300, "url": f"https://i.scdn.co/image/ab67616d00001e02{image_hex}", "width": 300},
            {"height": 64, "url": f"https://i.scdn.co/image/ab67616d00004851{image_hex}", "width": 64},
        ],
        "name": name,
        "release_date": f"{2000 + seed % 25}-{1 + seed % 12:02d}-{1 + seed % 28:02d}",
        "release_date_precision": "day",
        "total_tracks": 1,
        "type": "album",
        "uri": f"spotify:album:{album_id}",
    }
    return {
        "album": album,
        "artists": [artist],
        "available_markets": list(markets),
        "disc_number": 1,
        "duration_ms": 120000 + seed % 180000,
        "explicit": False,
        "external_ids": {"isrc": f"QZSY{seed % 100:02d}{seed % 100000:05d}"},
        "external_urls": {"spotify": f"https://open.spotify.com/track/{track_id}"},
        "href": f"https://api.spotify.com/v1/tracks/{track_id}",
        "id": track_id,
        "is_local": False,
        "name": name,
        "popularity": seed % 60,
        "preview_url": None,
        "track_number": 1,
        "type": "track",
        "uri": f"spotify:track:{track_id}",
    }


def _for_market(track: dict) -> dict:
    """With ``market`` given, a track carries ``is_playable`` instead of its markets list.

    (The album keeps ``available_markets``: ``AlbumBase`` requires it.)
    """
    track = copy.deepcopy(track)
    track.pop("available_markets", None)
    track["is_playable"] = True
    return track


class _HTTPError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    double: SpotifyDouble

    def handle_error(self, request, client_address):  # quiet on client disconnects
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, TimeoutError)):
            return
        if self.double.verbose:
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def version_string(self) -> str:
        return "envoy"

    # -- plumbing ---------------------------------------------------------
    def log_message(self, format, *args):
        if self.server.double.verbose:
            super().log_message(format, *args)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, payload, headers: dict | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "private, max-age=0")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _send_api_error(self, err: _HTTPError) -> None:
        self._send(err.status, {"error": {"status": err.status, "message": err.message}}, err.headers)

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        path = split.path.rstrip("/") or "/"
        params = parse_qs(split.query, keep_blank_values=True)
        double = self.server.double
        body = self._body()
        try:
            if path == "/api/token":
                if self.command != "POST":
                    raise _HTTPError(405, "Method not allowed")
                status, payload = double._handle_token(self.headers, body)
                self._send(status, payload)
            elif path == "/v1/search":
                if self.command != "GET":
                    raise _HTTPError(405, "Method not allowed")
                host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_port}"
                self._send(200, double._handle_search(self.headers, params, host))
            elif path.startswith("/_control/"):
                status, payload = double._handle_control(self.command, path, body)
                self._send(status, payload)
            else:
                raise _HTTPError(404, "Service not found")
        except _HTTPError as err:
            self._send_api_error(err)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch


class SpotifyDouble:
    """Spotify accounts + Web API stand-in served over real HTTP in a thread."""

    def __init__(
        self,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        host: str = "127.0.0.1",
        port: int = 0,
        synthesize: bool = False,
        verbose: bool = False,
    ):
        self.client_id = client_id
        self.client_secret = client_secret
        self.host = host
        self.port = port
        self.verbose = verbose
        self._initial_synthesize = bool(synthesize)
        self._lock = threading.Lock()
        self._catalog = load_catalog()
        self._tokens: dict[str, float] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._reset_state()

    # -- lifecycle --------------------------------------------------------
    def _bind(self) -> _Server:
        server = _Server((self.host, self.port), _Handler)
        server.double = self
        self._server = server
        self.port = server.server_port
        return server

    def start(self) -> Self:
        if self._server is not None:
            return self
        server = self._bind()
        self._thread = threading.Thread(
            target=server.serve_forever, name="spotify-double", kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (standalone process)."""
        server = self._server or self._bind()
        try:
            server.serve_forever(poll_interval=0.2)
        finally:
            server.server_close()
            self._server = None

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.url + "/v1/"

    @property
    def auth_url(self) -> str:
        return self.url + "/api/token"

    # -- controls ---------------------------------------------------------
    def _reset_state(self) -> None:
        with self._lock:
            self._config = dict(DEFAULT_CONFIG, synthesize=self._initial_synthesize)
            self._token_calls = 0
            self._search_calls = 0
            self._queries: list[str] = []
            self._trace_headers = 0  # requests that carried a W3C traceparent (none should)

    def configure(
        self,
        *,
        latency_ms: int | None = None,
        mode: str | None = None,
        retry_after: int | None = None,
        synthesize: bool | None = None,
        token_expires_in: int | None = None,
    ) -> None:
        """Change behaviour; ``None`` leaves a setting as it is."""
        updates: dict = {}
        if latency_ms is not None:
            updates["latency_ms"] = _non_negative_int("latency_ms", latency_ms)
        if mode is not None:
            mode = str(mode)
            if mode not in MODES:
                raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
            updates["mode"] = mode
        if retry_after is not None:
            updates["retry_after"] = _non_negative_int("retry_after", retry_after)
        if synthesize is not None:
            if not isinstance(synthesize, bool):
                raise ValueError("synthesize must be a boolean")
            updates["synthesize"] = synthesize
        if token_expires_in is not None:
            updates["token_expires_in"] = _non_negative_int("token_expires_in", token_expires_in)
        with self._lock:
            self._config.update(updates)

    def config(self) -> dict:
        with self._lock:
            return dict(self._config)

    def stats(self) -> dict:
        with self._lock:
            return {
                "token_calls": self._token_calls,
                "search_calls": self._search_calls,
                "queries": list(self._queries),
                "trace_headers": self._trace_headers,
            }

    def reset(self) -> None:
        """Counters to zero, configuration to defaults. Issued tokens stay valid."""
        self._reset_state()

    # -- request handling (called from handler threads) --------------------
    def _sleep_latency(self) -> None:
        latency = self.config()["latency_ms"]
        if latency:
            time.sleep(latency / 1000.0)

    def _handle_token(self, headers, body: bytes) -> tuple[int, dict]:
        with self._lock:
            self._trace_headers += "traceparent" in headers
            self._token_calls += 1
            expires_in = self._config["token_expires_in"]
        self._sleep_latency()
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        client_id = form.get("client_id")
        client_secret = form.get("client_secret")
        auth = headers.get("Authorization") or ""
        scheme, _, credentials = auth.partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            client_id, _, client_secret = decoded.partition(":")
        if not (
            secrets.compare_digest(client_id or "", self.client_id)
            and secrets.compare_digest(client_secret or "", self.client_secret)
        ):
            return 400, {"error": "invalid_client", "error_description": "Invalid client"}
        grant_type = form.get("grant_type")
        if not grant_type:
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "grant_type parameter is missing",
            }
        if grant_type != "client_credentials":
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "grant_type must be client_credentials, "
                "authorization_code or refresh_token",
            }
        token = "BQ" + secrets.token_urlsafe(84)[:113]
        with self._lock:
            now = time.monotonic()
            self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
            self._tokens[token] = now + expires_in
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}

    def _check_bearer(self, headers) -> None:
        auth = (headers.get("Authorization") or "").strip()
        if not auth:
            raise _HTTPError(401, "No token provided")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer":
            raise _HTTPError(400, "Only valid bearer authentication supported")
        token = token.strip()
        with self._lock:
            expiry = self._tokens.get(token)
        if expiry is None:
            raise _HTTPError(401, "Invalid access token")
        if expiry <= time.monotonic():
            raise _HTTPError(401, "The access token expired")

    def _handle_search(self, headers, params: dict, host: str) -> dict:
        raw_q = params.get("q", params.get("query", [None]))[0]
        with self._lock:
            self._search_calls += 1
            self._queries.append(raw_q if raw_q is not None else "")
            self._trace_headers += "traceparent" in headers
            config = dict(self._config)
        self._sleep_latency()
        self._check_bearer(headers)
        if config["mode"] == "429":
            retry_after = config["retry_after"] or 1
            raise _HTTPError(429, ERROR_MESSAGES[429], {"Retry-After": str(retry_after)})
        if config["mode"] in ("500", "503"):
            status = int(config["mode"])
            raise _HTTPError(status, ERROR_MESSAGES[status])

        if raw_q is None or not raw_q.strip():
            raise _HTTPError(400, "No search query")
        type_param = params.get("type", [""])[0]
        if not type_param:
            raise _HTTPError(400, "Missing parameter type")
        types = [t.strip() for t in type_param.split(",") if t.strip()]
        if not types or any(t not in SEARCH_TYPES for t in types):
            raise _HTTPError(400, "Bad search type field")
        if "track" not in types:
            raise _HTTPError(400, "This Spotify test double only supports type=track")
        limit = _int_param(params, "limit", LIMIT_DEFAULT, LIMIT_MIN, LIMIT_MAX, "Invalid limit")
        offset = _int_param(params, "offset", 0, 0, OFFSET_MAX, "Invalid offset")
        market = params.get("market", [None])[0]
        if market is not None and market != "from_token" and not _MARKET_RE.match(market):
            raise _HTTPError(400, "Invalid market code")
        if market == "from_token":
            market = None  # a client-credentials token has no user country

        matches = self._find(raw_q, config["synthesize"])
        page = matches[offset : offset + limit]
        page = [_for_market(t) if market else copy.deepcopy(t) for t in page]

        base = f"http://{host}/v1/search"
        extra = f"&market={market}" if market else ""
        query_enc = quote(raw_q, safe="")

        def page_url(off: int, lim: int = limit) -> str:
            return f"{base}?offset={off}&limit={lim}&query={query_enc}&type=track{extra}"

        total = len(matches)
        tracks = {
            "href": page_url(offset),
            "items": page,
            "limit": limit,
            "next": page_url(offset + limit) if offset + limit < total else None,
            "offset": offset,
            "previous": page_url(max(0, offset - limit)) if offset > 0 else None,
            "total": total,
        }
        result = {}
        for t in types:  # other requested types: valid, empty pages (catalog is tracks only)
            if t == "track":
                result["tracks"] = tracks
            else:
                result[t + "s"] = {
                    "href": page_url(offset).replace("type=track", f"type={t}"),
                    "items": [],
                    "limit": limit,
                    "next": None,
                    "offset": offset,
                    "previous": None,
                    "total": 0,
                }
        return result

    def _find(self, q: str, synthesize: bool) -> list[dict]:
        if q.strip() == NO_RESULTS_QUERY:
            return []
        free_words, filters = parse_query(q)
        if not free_words and not any(filters.values()):
            matches: list[dict] = []
        else:
            matches = [t for t in self._catalog if track_matches(t, free_words, filters)]
        if not matches and synthesize and normalize(q):
            matches = [synthesize_track(q)]
        return matches

    def _handle_control(self, method: str, path: str, body: bytes) -> tuple[int, dict]:
        if path == "/_control/health" and method == "GET":
            return 200, {"status": "ok"}
        if path == "/_control/stats" and method == "GET":
            return 200, self.stats()
        if path == "/_control/reset" and method == "POST":
            self.reset()
            return 200, {"status": "reset", "config": self.config()}
        if path == "/_control/config":
            if method == "GET":
                return 200, self.config()
            if method == "POST":
                try:
                    options = json.loads(body.decode("utf-8") or "{}")
                except (UnicodeDecodeError, json.JSONDecodeError):
                    raise _HTTPError(400, "Body must be a JSON object") from None
                if not isinstance(options, dict):
                    raise _HTTPError(400, "Body must be a JSON object")
                unknown = sorted(set(options) - set(CONFIG_KEYS))
                if unknown:
                    raise _HTTPError(400, f"Unknown config keys: {', '.join(unknown)}")
                try:
                    self.configure(**options)
                except (TypeError, ValueError) as exc:
                    raise _HTTPError(400, str(exc)) from None
                return 200, self.config()
            raise _HTTPError(405, "Method not allowed")
        raise _HTTPError(404, "Service not found")


def _non_negative_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer")
    return value


def _int_param(params: dict, name: str, default: int, low: int, high: int, message: str) -> int:
    values = params.get(name)
    if not values or values[0] == "":
        return default
    try:
        value = int(values[0])
    except ValueError:
        raise _HTTPError(400, message) from None
    if not low <= value <= high:
        raise _HTTPError(400, message)
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Spotify Web API test double")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument(
        "--synthesize", action="store_true", help="answer unknown queries with one synthesized track"
    )
    parser.add_argument("--latency-ms", type=int, default=None)
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    double = SpotifyDouble(
        client_id=args.client_id,
        client_secret=args.client_secret,
        host=args.host,
        port=args.port,
        synthesize=args.synthesize,
        verbose=args.verbose,
    )
    if args.latency_ms is not None:
        double.configure(latency_ms=args.latency_ms)
    double._bind()

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    print(f"spotify-double listening on {args.host}:{double.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        double.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
