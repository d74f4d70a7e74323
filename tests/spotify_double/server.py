"""Spotify's token and search endpoints as a real HTTP server in the shapes of Spotify's OpenAPI
(test_contract.py); standard library only, so its image runs it as a script. Controls: configure(),
stats() and reset() in-process; GET /_control/stats and /_control/health over HTTP."""

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

CATALOG_PATH = Path(__file__).with_name("catalog.json")
NO_RESULTS_QUERY = "__nada__"
MODES = ("ok", "429", "500", "503")
DEFAULT_CONFIG = {
    "latency_ms": 0, "mode": "ok", "retry_after": None, "synthesize": False, "token_expires_in": 3600,
}  # fmt: skip
# Search parameter bounds from the published OpenAPI description (GET /search).
LIMIT_DEFAULT, LIMIT_MAX, OFFSET_MAX = 5, 10, 1000
SEARCH_TYPES = ("album", "artist", "playlist", "track", "show", "episode", "audiobook")
ERROR_MESSAGES = {429: "API rate limit exceeded", 500: "Server error.", 503: "Service unavailable"}
MARKETS = ["AR", "BR", "CA", "CL", "CO", "DE", "ES", "FR", "GB", "IT", "MX", "US"]

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def load_catalog() -> list[dict]:
    return json.loads(CATALOG_PATH.read_text(encoding="utf-8"))["tracks"]


def _words(text: str) -> list[str]:
    """Case-, accent- and punctuation-insensitive words."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("'", "").replace("\u2019", "")
    return re.sub(r"[^\w]+", " ", text).split()


def base62_id(seed: str, length: int = 22) -> str:
    number = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")
    return "".join(_BASE62[number // 62**digit % 62] for digit in range(length))  # least significant first


def track_matches(track: dict, words: list[str]) -> bool:
    """Every word of the query starts a word of the track's name, an artist's name or the album's
    (music sends the user's text as it is: no field filters such as ``artist:``)."""
    names = [track["name"], track["album"]["name"], *(artist["name"] for artist in track["artists"])]
    have = _words(" ".join(names))
    return bool(words) and all(any(word.startswith(needle) for word in have) for needle in words)


def _spotify_object(kind: str, object_id: str, **fields) -> dict:
    return {
        **fields,
        "external_urls": {"spotify": f"https://open.spotify.com/{kind}/{object_id}"},
        "href": f"https://api.spotify.com/v1/{kind}s/{object_id}",
        "id": object_id,
        "type": kind,
        "uri": f"spotify:{kind}:{object_id}",
    }


def synthesize_track(q: str) -> dict:
    """One deterministic TrackObject named as the query."""
    key, name = " ".join(_words(q)), " ".join(q.split())
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    image, seed = digest[:24], int(digest[24:32], 16)
    artist = _spotify_object("artist", base62_id("artist:synthetic artist"), name="Synthetic Artist")
    sizes = ((640, "ab67616d0000b273"), (300, "ab67616d00001e02"), (64, "ab67616d00004851"))
    images = [{"height": px, "url": f"https://i.scdn.co/image/{p}{image}", "width": px} for px, p in sizes]
    album = _spotify_object(
        "album", base62_id("album:" + key), album_type="single", artists=[artist],
        available_markets=list(MARKETS),
        images=images,
        name=name, release_date=f"{2000 + seed % 25}-{1 + seed % 12:02d}-{1 + seed % 28:02d}",
        release_date_precision="day", total_tracks=1,
    )  # fmt: skip
    return _spotify_object(
        "track", base62_id("track:" + key), album=album, artists=[artist], available_markets=list(MARKETS),
        disc_number=1, duration_ms=120000 + seed % 180000, explicit=False,
        external_ids={"isrc": f"QZSY{seed % 100:02d}{seed % 100000:05d}"}, is_local=False, name=name,
        popularity=seed % 60, preview_url=None, track_number=1,
    )  # fmt: skip


class _HTTPError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):  # quiet on client disconnects
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "envoy"

    def log_message(self, format, *args):
        pass

    def _send(self, status: int, payload, headers: dict | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "private, max-age=0")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        path = split.path.rstrip("/") or "/"
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        double: SpotifyDouble = self.server.double
        try:
            if path == "/api/token" and self.command == "POST":
                self._send(*double.token(self.headers, body))
            elif path == "/v1/search" and self.command == "GET":
                host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_port}"
                params = parse_qs(split.query, keep_blank_values=True)
                self._send(200, double.search(self.headers, params, host))
            elif path in ("/api/token", "/v1/search"):
                raise _HTTPError(405, "Method not allowed")
            elif path.startswith("/_control/"):
                self._send(*double.control(self.command, path))
            else:
                raise _HTTPError(404, "Service not found")
        except _HTTPError as err:
            self._send(err.status, {"error": {"status": err.status, "message": err.message}}, err.headers)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch


class SpotifyDouble:
    def __init__(
        self, *, client_id="test-client-id", client_secret="test-client-secret", host="127.0.0.1", port=0,
        synthesize=False,
    ):  # fmt: skip
        self.client_id, self.client_secret = client_id, client_secret
        self.host, self.port = host, port
        self._initial_synthesize = synthesize
        self._lock = threading.Lock()
        self._catalog = load_catalog()
        self._tokens: dict[str, float] = {}
        self._server: _Server | None = None
        self.reset()

    def _bind(self) -> _Server:
        self._server = _Server((self.host, self.port), _Handler)
        self._server.double = self
        self.port = self._server.server_port
        self.url = f"http://{'127.0.0.1' if self.host in ('', '0.0.0.0') else self.host}:{self.port}"
        self.api_url, self.auth_url = self.url + "/v1/", self.url + "/api/token"
        return self._server

    def start(self) -> Self:
        if self._server is None:
            threading.Thread(
                target=self._bind().serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
            ).start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- controls --------------------------------------------------------------------------------
    def configure(self, **changes) -> None:
        """Change behaviour (keys of DEFAULT_CONFIG); ``None`` leaves a setting as it is."""
        changes = {name: value for name, value in changes.items() if value is not None}
        if unknown := sorted(set(changes) - set(DEFAULT_CONFIG)):
            raise ValueError(f"Unknown config keys: {', '.join(unknown)}")
        for name, value in changes.items():
            # mode one of MODES, synthesize a boolean, every other setting a non-negative integer
            valid = {"mode": value in MODES, "synthesize": isinstance(value, bool)}
            if not valid.get(name, type(value) is int and value >= 0):
                raise ValueError(f"{name} cannot be {value!r}")
        with self._lock:
            self._config.update(changes)

    def config(self) -> dict:
        with self._lock:
            return dict(self._config)

    def stats(self) -> dict:
        with self._lock:
            return copy.deepcopy(self._stats)

    def reset(self) -> None:
        """Counters to zero, configuration to defaults. Issued tokens stay valid."""
        with self._lock:
            self._config = dict(DEFAULT_CONFIG, synthesize=self._initial_synthesize)
            # trace_headers: requests that carried a W3C traceparent (none should).
            self._stats = {"token_calls": 0, "search_calls": 0, "queries": [], "trace_headers": 0}

    def control(self, method: str, path: str) -> tuple[int, dict]:
        if path == "/_control/health" and method == "GET":
            return 200, {"status": "ok"}
        if path == "/_control/stats" and method == "GET":
            return 200, self.stats()
        raise _HTTPError(404, "Service not found")

    # -- the two calls -------------------------------------------------------------------------------
    def _count(self, counter: str, headers, query: str | None = None) -> dict:
        with self._lock:
            self._stats[counter] += 1
            self._stats["trace_headers"] += "traceparent" in headers
            if query is not None:
                self._stats["queries"].append(query)
            config = dict(self._config)
        if config["latency_ms"]:
            time.sleep(config["latency_ms"] / 1000.0)
        return config

    def token(self, headers, body: bytes) -> tuple[int, dict]:
        config = self._count("token_calls", headers)
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        scheme, _, credentials = (headers.get("Authorization") or "").partition(" ")
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
        if grant_type != "client_credentials":
            description = "grant_type must be client_credentials, authorization_code or refresh_token"
            if not grant_type:
                description = "grant_type parameter is missing"
            return 400, {"error": "unsupported_grant_type", "error_description": description}
        token = "BQ" + secrets.token_urlsafe(84)[:113]
        with self._lock:
            now = time.monotonic()
            self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
            self._tokens[token] = now + config["token_expires_in"]
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": config["token_expires_in"]}

    def _check_bearer(self, headers) -> None:
        auth = (headers.get("Authorization") or "").strip()
        if not auth:
            raise _HTTPError(401, "No token provided")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer":
            raise _HTTPError(400, "Only valid bearer authentication supported")
        with self._lock:
            expiry = self._tokens.get(token.strip())
        if expiry is None:
            raise _HTTPError(401, "Invalid access token")
        if expiry <= time.monotonic():
            raise _HTTPError(401, "The access token expired")

    def search(self, headers, params: dict, host: str) -> dict:
        raw_q = params.get("q", params.get("query", [None]))[0]
        config = self._count("search_calls", headers, raw_q or "")
        self._check_bearer(headers)
        if config["mode"] == "429":
            raise _HTTPError(429, ERROR_MESSAGES[429], {"Retry-After": str(config["retry_after"] or 1)})
        if config["mode"] in ("500", "503"):
            raise _HTTPError(int(config["mode"]), ERROR_MESSAGES[int(config["mode"])])
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
        limit = _int_param(params, "limit", LIMIT_DEFAULT, 1, LIMIT_MAX, "Invalid limit")
        offset = _int_param(params, "offset", 0, 0, OFFSET_MAX, "Invalid offset")
        market = params.get("market", [None])[0]
        if market is not None and market != "from_token" and not re.fullmatch(r"[A-Z]{2}", market):
            raise _HTTPError(400, "Invalid market code")
        market = None if market == "from_token" else market  # a client-credentials token has no country

        matches = self._find(raw_q, config["synthesize"])
        page = copy.deepcopy(matches[offset : offset + limit])
        if market:  # with a market, a track says is_playable instead of listing its markets
            for track in page:
                del track["available_markets"]
                track["is_playable"] = True

        def page_url(off: int, kind: str = "track") -> str:
            extra = f"&market={market}" if market else ""
            query = quote(raw_q, safe="")
            return f"http://{host}/v1/search?offset={off}&limit={limit}&query={query}&type={kind}{extra}"

        def paging(kind: str, items: list, total: int) -> dict:
            more = kind == "track" and offset + limit < total
            return {
                "href": page_url(offset, kind),
                "items": items,
                "limit": limit,
                "next": page_url(offset + limit) if more else None,
                "offset": offset,
                "previous": page_url(max(0, offset - limit)) if kind == "track" and offset > 0 else None,
                "total": total,
            }

        # Other requested types: valid, empty pages (the catalog holds tracks only).
        return {t + "s": paging(t, page, len(matches)) if t == "track" else paging(t, [], 0) for t in types}

    def _find(self, q: str, synthesize: bool) -> list[dict]:
        if q.strip() == NO_RESULTS_QUERY:
            return []
        matches = [t for t in self._catalog if track_matches(t, _words(q))]
        if not matches and synthesize and _words(q):
            matches = [synthesize_track(q)]
        return matches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Spotify Web API test double")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--client-id", default="test-client-id")
    parser.add_argument("--client-secret", default="test-client-secret")
    parser.add_argument("--synthesize", action="store_true", help="answer unknown queries with one track")
    args = parser.parse_args(argv)
    double = SpotifyDouble(**vars(args))
    server = double._bind()

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a KeyboardInterrupt: a clean stop
    print(f"spotify-double listening on {args.host}:{double.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
