"""Provider sessions read proxies and CA bundles once, when made, then act as requests would per call."""

import http.server
import threading

import pytest
import requests
from requests.utils import select_proxy

from search.providers.base import provider_session
from search.providers.keyless import DeezerProvider
from search.providers.spotify import SpotifyProvider

URLS = ["https://api.spotify.com/v1/", "https://accounts.spotify.com/api/token", "http://music:5001/search"]
ENVIRONMENTS = [
    {},
    {"HTTPS_PROXY": "http://proxy.corp:3128"},
    {"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "accounts.spotify.com"},
    {"ALL_PROXY": "http://all.corp:8080", "no_proxy": "music,localhost"},
    {"http_proxy": "http://plain.corp:3128", "REQUESTS_CA_BUNDLE": "/etc/corp-ca.pem"},
    {"CURL_CA_BUNDLE": "/etc/curl-ca.pem"},
]
VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"]


@pytest.fixture
def clean_environment(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def _effective(session: requests.Session, url: str) -> tuple:
    """The proxy and verify a call to ``url`` through ``session`` would use."""
    options = session.merge_environment_settings(url, {}, None, None, None)
    return select_proxy(url, options["proxies"]), options["verify"]


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda env: ",".join(env) or "none")
def test_settled_session_uses_what_requests_would_read_on_each_call(clean_environment, environment):
    for name, value in environment.items():
        clean_environment.setenv(name, value)
    settled = provider_session(*URLS)
    assert settled.trust_env is False
    for url in URLS:
        assert _effective(settled, url) == _effective(requests.Session(), url), url


class Forwarding(http.server.BaseHTTPRequestHandler):
    """A plain-HTTP forward proxy that records the absolute URLs it was asked for."""

    def forward(self):
        self.server.seen.append(f"{self.command} {self.path}")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() != "proxy-connection"}
        answer = self.server.direct.request(self.command, self.path, data=body, headers=headers, timeout=5)
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_POST = forward

    def log_message(self, *args):
        pass


@pytest.fixture
def forwarding_proxy():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forwarding)
    server.seen, server.direct = [], requests.Session()
    server.direct.trust_env = False  # the proxy itself goes direct, whatever the environment says
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_spotify_goes_through_the_proxy_the_environment_named_when_it_was_made(
    clean_environment, spotify, forwarding_proxy
):
    clean_environment.setenv("HTTP_PROXY", f"http://127.0.0.1:{forwarding_proxy.server_address[1]}")
    provider = SpotifyProvider()
    clean_environment.delenv("HTTP_PROXY")  # read once: the session keeps it
    assert provider.search("Queen", 1)
    searches = [seen for seen in forwarding_proxy.seen if seen.startswith(f"GET {spotify.url}/v1/search?")]
    assert len(searches) == 1, forwarding_proxy.seen
    assert f"POST {spotify.auth_url}" in forwarding_proxy.seen  # the token, through the same proxy


def test_deezer_goes_through_the_proxy_and_no_proxy_hosts_go_direct(
    clean_environment, keyless, forwarding_proxy
):
    clean_environment.setenv("HTTP_PROXY", f"http://127.0.0.1:{forwarding_proxy.server_address[1]}")
    assert DeezerProvider().search("Too much Lou Doillon", 1)
    assert forwarding_proxy.seen == [f"GET {keyless.deezer_url}/search?q=Too+much+Lou+Doillon&limit=1"]
    clean_environment.setenv("NO_PROXY", "127.0.0.1")
    assert DeezerProvider().search("Too much Lou Doillon", 1)
    assert len(forwarding_proxy.seen) == 1
    assert keyless.stats("deezer")["search_calls"] == 2
