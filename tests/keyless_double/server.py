"""Deezer and iTunes search doubles answering from recorded.json (real answers, sources cited there),
standard library only so its image runs it as a script; modes per API set in-process or by /_control."""

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

NO_RESULTS_QUERY = "__nada__"
APIS = ("deezer", "itunes")
MODES = ("ok", "429", "500", "503", "error", "quota", "garbage")
DEFAULT_CONFIG = {"mode": "ok", "retry_after": 30, "latency_ms": 0}
# Per API: the query parameter, the default limit, the fields a query's words are looked up in.
SEARCH = {
    "deezer": ("q", 25, lambda t: (t["title"], t["artist"]["name"], t["album"]["title"])),
    "itunes": ("term", 50, lambda r: (r["trackName"], r["artistName"], r["collectionName"])),
}


def recorded() -> dict:
    return json.loads(Path(__file__).with_name("recorded.json").read_text(encoding="utf-8"))


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return re.findall(r"[0-9a-z]+", plain)


def _matches(query: str, fields) -> bool:
    have = set(_words(" ".join(fields)))
    return bool(_words(query)) and all(word in have for word in _words(query))


def _seed(query: str) -> tuple[str, int]:
    digest = hashlib.md5(query.encode(), usedforsecurity=False).hexdigest()
    return digest, int(digest[:8], 16) % 900_000_000 + 100_000_000


COVER_SIZES = (("small", 56), ("medium", 250), ("big", 500), ("xl", 1000))


def synthesize_deezer(query: str, template: dict) -> dict:
    """A Deezer track shaped as the recorded one, titled ``query``."""
    track = copy.deepcopy(template)
    digest, number = _seed(query)
    cover = f"https://e-cdns-images.dzcdn.net/images/cover/{digest}"
    track.update(
        id=number, title=query, title_short=query, link=f"https://www.deezer.com/track/{number}",
        duration=120 + number % 180, preview=f"https://cdns-preview-0.dzcdn.net/stream/c-{digest}-4.mp3",
    )  # fmt: skip
    track["artist"].update(name="Doble de Deezer")
    track["album"].update(
        id=number, title=f"Álbum de {query}", cover=f"https://api.deezer.com/album/{number}/image",
        tracklist=f"https://api.deezer.com/album/{number}/tracks",
        **{f"cover_{size}": f"{cover}/{px}x{px}-000000-80-0-0.jpg" for size, px in COVER_SIZES},
    )  # fmt: skip
    return track


def synthesize_itunes(query: str, template: dict) -> dict:
    """An iTunes result shaped as the recorded one, named ``query``."""
    item = copy.deepcopy(template)
    digest, number = _seed(query)
    art = f"https://is1-ssl.mzstatic.com/image/thumb/Music/v4/{digest[:2]}/{digest[2:4]}/{digest}/source"
    page = f"https://music.apple.com/us/album/{number + 1}?i={number}&uo=4"
    item.update(
        trackId=number, collectionId=number + 1, trackName=query, trackCensoredName=query,
        artistName="Doble de iTunes", collectionName=f"Álbum de {query}",
        collectionCensoredName=f"Álbum de {query}", trackViewUrl=page, collectionViewUrl=page,
        previewUrl=f"https://audio-ssl.itunes.apple.com/itunes-assets/AudioPreview/{digest}.plus.aac.p.m4a",
        trackTimeMillis=(120 + number % 180) * 1000,
        **{f"artworkUrl{px}": f"{art}/{px}x{px}bb.jpg" for px in (30, 60, 100)},
    )  # fmt: skip
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

    def _dispatch(self) -> None:
        double: KeylessDouble = self.server.double
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        api, _, rest = parts.path.strip("/").partition("/")
        if parts.path.startswith("/_control/"):
            status, payload, headers, content_type = *double.control(self.command, parts.path, body), {}, None
        elif self.command == "GET" and api in APIS and rest == "search":
            status, payload, headers, content_type = double.search(api, parse_qs(parts.query))
        else:
            status, payload, headers, content_type = 404, {"error": "not found"}, {}, None
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type or "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _dispatch


class KeylessDouble:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, synthesize: bool = False):
        self.host, self.port, self.synthesize = host, port, synthesize
        self._recorded = recorded()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self.reset()

    def _bind(self) -> _Server:
        self._server = _Server((self.host, self.port), _Handler)
        self._server.double = self
        self.port = self._server.server_address[1]
        self.url = f"http://{self.host}:{self.port}"
        self.deezer_url, self.itunes_url = f"{self.url}/deezer", f"{self.url}/itunes"
        return self._server

    def start(self) -> Self:
        threading.Thread(target=self._bind().serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def reset(self) -> None:
        with self._lock:
            self._config = {api: dict(DEFAULT_CONFIG) for api in APIS}
            self._stats = {api: {"search_calls": 0, "queries": []} for api in APIS}

    def configure(self, api: str, **changes) -> None:
        if api not in APIS:
            raise ValueError(f"api must be one of {APIS}")
        if changes.get("mode", "ok") not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if unknown := set(changes) - set(DEFAULT_CONFIG):
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
            if path == "/_control/config" and method == "POST":
                changes = json.loads(body or b"{}")
                self.configure(changes.pop("api", ""), **changes)
                return 200, {"status": "configured"}
        except (ValueError, TypeError) as exc:
            return 400, {"error": str(exc)}
        return 404, {"error": "not found"}

    def search(self, api: str, params: dict) -> tuple[int, object, dict, str]:
        """``(status, body, headers, content type)`` of one search."""
        parameter, default_limit, fields = SEARCH[api]
        query = (params.get(parameter) or [""])[0]
        with self._lock:
            config = dict(self._config[api])
            self._stats[api]["search_calls"] += 1
            self._stats[api]["queries"].append(query)
        if config["latency_ms"]:
            time.sleep(config["latency_ms"] / 1000)
        mode = config["mode"]
        if mode == "429":
            return 429, {"error": "Too Many Requests"}, {"Retry-After": str(config["retry_after"])}, None
        if mode in ("500", "503"):
            return int(mode), b"<html><body>Service error</body></html>", {}, "text/html"
        if mode == "garbage":
            return 200, b"<html><body>maintenance</body></html>", {}, "text/html"
        answers = self._recorded[api]
        if api == "deezer" and mode in ("error", "quota"):
            key = "error_in_200" if mode == "error" else "quota"
            return 200, answers[key]["answer"], {}, "application/json; charset=utf-8"
        if api == "itunes" and mode in ("error", "quota"):
            error = answers["error_400"]
            return error["status"], error["answer"], {}, "text/javascript; charset=utf-8"
        tracks = answers["search"]["answer"]["data" if api == "deezer" else "results"]
        found = [t for t in tracks if query != NO_RESULTS_QUERY and _matches(query, fields(t))]
        if not found and self.synthesize and query and query != NO_RESULTS_QUERY:
            found = [(synthesize_deezer if api == "deezer" else synthesize_itunes)(query, tracks[0])]
        try:
            limit = max(1, min(int((params.get("limit") or [default_limit])[0]), 200))
        except ValueError:
            limit = default_limit
        found = found[:limit]
        if api == "deezer":
            return 200, {"data": found, "total": len(found)}, {}, "application/json; charset=utf-8"
        return 200, {"resultCount": len(found), "results": found}, {}, "text/javascript; charset=utf-8"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--synthesize", action="store_true", help="answer any query with one track")
    args = parser.parse_args(argv)
    double = KeylessDouble(**vars(args))

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a KeyboardInterrupt: a clean stop
    print(f"keyless double on {double.host}:{double.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        double._bind().serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
