"""Deezer and iTunes Search API test doubles in one real HTTP server, standard library only.

* ``GET /deezer/search?q=…&limit=…`` — Deezer's public search (``DEEZER_API_URL`` = ``<url>/deezer``);
* ``GET /itunes/search?term=…&entity=song&limit=…`` — iTunes (``ITUNES_API_URL`` = ``<url>/itunes``).

Answers are built from ``recorded.json``: real answers that public client libraries recorded
(sources cited there). A query whose words all appear in a recorded track's title, artist or album
answers that track, exactly as recorded; ``--synthesize`` answers any other query with one track of
the same shape, derived from the query; ``__nada__`` never matches.

Failure modes, per API (``configure(api, mode=…)`` or ``POST /_control/config``):
``ok``; ``429`` (with ``Retry-After``); ``500``; ``503``; ``error`` — Deezer: 200 with its recorded
``{"error": {...}}`` object; iTunes: 400 with ``{"errorMessage": …}``; ``quota`` — Deezer's quota
error in a 200; ``garbage`` — a 200 HTML page; and ``latency_ms`` for slow answers.

Test controls: ``POST /_control/config`` ``{"api": "deezer", "mode": "503"}``, ``GET /_control/stats``,
``POST /_control/reset``, ``GET /_control/health``.

Standalone::

    python tests/keyless_double/server.py --host 0.0.0.0 --port 8080 [--synthesize]

Keep this file free of third-party and relative imports: it must run as a script.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import json
import re
import signal
import sys
import threading
import time
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import parse_qs, urlsplit

__all__ = ["APIS", "NO_RESULTS_QUERY", "RECORDED_PATH", "KeylessDouble", "recorded"]

RECORDED_PATH = Path(__file__).with_name("recorded.json")
NO_RESULTS_QUERY = "__nada__"
APIS = ("deezer", "itunes")
MODES = ("ok", "429", "500", "503", "error", "quota", "garbage")
DEFAULT_CONFIG = {"mode": "ok", "retry_after": 30, "latency_ms": 0}


def recorded(path: Path = RECORDED_PATH) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return re.findall(r"[0-9a-z]+", plain)


def _matches(query: str, *fields: str) -> bool:
    wanted = _words(query)
    have = set(_words(" ".join(fields)))
    return bool(wanted) and all(word in have for word in wanted)


def _digest(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def synthesize_deezer(query: str, template: dict) -> dict:
    """One Deezer track shaped as the recorded ones, derived from ``query`` (title = the query)."""
    track = copy.deepcopy(template)
    digest, number = _digest(query), int(_digest(query)[:8], 16) % 900_000_000 + 100_000_000
    cover = f"https://e-cdns-images.dzcdn.net/images/cover/{digest}"
    track.update(
        id=number,
        title=query,
        title_short=query,
        link=f"https://www.deezer.com/track/{number}",
        duration=120 + number % 180,
        preview=f"https://cdns-preview-0.dzcdn.net/stream/c-{digest}-4.mp3",
    )
    track["artist"].update(name="Doble de Deezer")
    track["album"].update(
        id=number,
        title=f"Álbum de {query}",
        cover=f"https://api.deezer.com/album/{number}/image",
        cover_small=f"{cover}/56x56-000000-80-0-0.jpg",
        cover_medium=f"{cover}/250x250-000000-80-0-0.jpg",
        cover_big=f"{cover}/500x500-000000-80-0-0.jpg",
        cover_xl=f"{cover}/1000x1000-000000-80-0-0.jpg",
        tracklist=f"https://api.deezer.com/album/{number}/tracks",
    )
    return track


def synthesize_itunes(query: str, template: dict) -> dict:
    """One iTunes result shaped as the recorded one, derived from ``query`` (trackName = the query)."""
    item = copy.deepcopy(template)
    digest, number = _digest(query), int(_digest(query)[:8], 16) % 900_000_000 + 100_000_000
    art = f"https://is1-ssl.mzstatic.com/image/thumb/Music/v4/{digest[:2]}/{digest[2:4]}/{digest}/source"
    item.update(
        trackId=number,
        collectionId=number + 1,
        trackName=query,
        trackCensoredName=query,
        artistName="Doble de iTunes",
        collectionName=f"Álbum de {query}",
        collectionCensoredName=f"Álbum de {query}",
        trackViewUrl=f"https://music.apple.com/us/album/{number + 1}?i={number}&uo=4",
        collectionViewUrl=f"https://music.apple.com/us/album/{number + 1}?i={number}&uo=4",
        previewUrl=f"https://audio-ssl.itunes.apple.com/itunes-assets/AudioPreview/{digest}.plus.aac.p.m4a",
        artworkUrl30=f"{art}/30x30bb.jpg",
        artworkUrl60=f"{art}/60x60bb.jpg",
        artworkUrl100=f"{art}/100x100bb.jpg",
        trackTimeMillis=(120 + number % 180) * 1000,
    )
    return item


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # quiet on client disconnects
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "KeylessDouble/1.0"

    def log_message(self, format, *args):
        pass

    def _send(
        self, status: int, payload, headers: dict | None = None, content_type="application/json"
    ) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _dispatch(self) -> None:
        double: KeylessDouble = self.server.double
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if parts.path.startswith("/_control/"):
            status, payload = double.control(self.command, parts.path, body)
            return self._send(status, payload)
        api, _, rest = parts.path.strip("/").partition("/")
        if self.command != "GET" or api not in APIS or rest != "search":
            return self._send(404, {"error": "not found"})
        status, payload, headers, content_type = double.search(api, parse_qs(parts.query))
        return self._send(status, payload, headers, content_type)

    do_GET = _dispatch
    do_POST = _dispatch


class KeylessDouble:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, synthesize: bool = False):
        self.host, self.port, self.synthesize = host, port, synthesize
        self._recorded = recorded()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._reset_state()

    # -- lifecycle ------------------------------------------------------------------------------
    def _bind(self) -> _Server:
        server = _Server((self.host, self.port), _Handler)
        server.double = self
        self.port = server.server_address[1]
        return server

    def start(self) -> Self:
        self._server = self._bind()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server = self._bind()
        self._server.serve_forever()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def deezer_url(self) -> str:
        return f"{self.url}/deezer"

    @property
    def itunes_url(self) -> str:
        return f"{self.url}/itunes"

    # -- controls ---------------------------------------------------------------------------------
    def _reset_state(self) -> None:
        with self._lock:
            self._config = {api: dict(DEFAULT_CONFIG) for api in APIS}
            self._stats = {api: {"search_calls": 0, "queries": []} for api in APIS}

    def reset(self) -> None:
        self._reset_state()

    def configure(self, api: str, **changes) -> None:
        if api not in APIS:
            raise ValueError(f"api must be one of {APIS}")
        if "mode" in changes and changes["mode"] not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        unknown = set(changes) - set(DEFAULT_CONFIG)
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}")
        with self._lock:
            self._config[api].update(changes)

    def stats(self, api: str) -> dict:
        with self._lock:
            return copy.deepcopy(self._stats[api])

    def control(self, method: str, path: str, body: bytes) -> tuple[int, dict]:
        try:
            if path == "/_control/health":
                return 200, {"status": "ok"}
            if path == "/_control/stats" and method == "GET":
                return 200, {api: self.stats(api) for api in APIS}
            if path == "/_control/reset" and method == "POST":
                self.reset()
                return 200, {"status": "reset"}
            if path == "/_control/config" and method == "POST":
                changes = json.loads(body or b"{}")
                self.configure(changes.pop("api", ""), **changes)
                return 200, {"status": "configured"}
        except (ValueError, TypeError) as exc:
            return 400, {"error": str(exc)}
        return 404, {"error": "not found"}

    # -- the APIs ---------------------------------------------------------------------------------
    def search(self, api: str, params: dict) -> tuple[int, object, dict, str]:
        query = (params.get("q" if api == "deezer" else "term") or [""])[0]
        with self._lock:
            config = dict(self._config[api])
            self._stats[api]["search_calls"] += 1
            self._stats[api]["queries"].append(query)
        if config["latency_ms"]:
            time.sleep(config["latency_ms"] / 1000)
        mode = config["mode"]
        if mode == "429":
            return (
                429,
                {"error": "Too Many Requests"},
                {"Retry-After": str(config["retry_after"])},
                "application/json",
            )
        if mode in ("500", "503"):
            return int(mode), b"<html><body>Service error</body></html>", {}, "text/html"
        if mode == "garbage":
            return 200, b"<html><body>maintenance</body></html>", {}, "text/html"
        if api == "deezer":
            return self._deezer(query, params, mode)
        return self._itunes(query, params, mode)

    def _limit(self, params: dict, default: int) -> int:
        try:
            return max(1, min(int((params.get("limit") or [default])[0]), 200))
        except ValueError:
            return default

    def _deezer(self, query: str, params: dict, mode: str):
        json_type = "application/json; charset=utf-8"
        if mode == "error":
            return 200, self._recorded["deezer"]["error_in_200"]["answer"], {}, json_type
        if mode == "quota":
            return 200, self._recorded["deezer"]["quota"]["answer"], {}, json_type
        tracks = self._recorded["deezer"]["search"]["answer"]["data"]
        found = [
            t
            for t in tracks
            if query != NO_RESULTS_QUERY
            and _matches(query, t["title"], t["artist"]["name"], t["album"]["title"])
        ]
        if not found and self.synthesize and query and query != NO_RESULTS_QUERY:
            found = [synthesize_deezer(query, tracks[0])]
        found = found[: self._limit(params, 25)]
        return 200, {"data": found, "total": len(found)}, {}, json_type

    def _itunes(self, query: str, params: dict, mode: str):
        json_type = "text/javascript; charset=utf-8"
        if mode in ("error", "quota"):
            error = self._recorded["itunes"]["error_400"]
            return error["status"], error["answer"], {}, json_type
        results = self._recorded["itunes"]["search"]["answer"]["results"]
        found = [
            r
            for r in results
            if query != NO_RESULTS_QUERY
            and _matches(query, r["trackName"], r["artistName"], r["collectionName"])
        ]
        if not found and self.synthesize and query and query != NO_RESULTS_QUERY:
            found = [synthesize_itunes(query, results[0])]
        found = found[: self._limit(params, 50)]
        return 200, {"resultCount": len(found), "results": found}, {}, json_type


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--synthesize", action="store_true", help="answer any query with one track")
    args = parser.parse_args(argv)
    double = KeylessDouble(args.host, args.port, synthesize=args.synthesize)

    def _terminate(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _terminate)
    print(f"keyless double on {double.host}:{double.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        double.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
