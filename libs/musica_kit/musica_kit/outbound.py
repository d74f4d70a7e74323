"""Outbound requests sessions that read the environment once, at start, not on every call."""

import os
from urllib.parse import urlsplit

import requests
from requests.utils import get_environ_proxies, select_proxy


def read_environment_once(session: requests.Session, *urls: str) -> requests.Session:
    """Fix the proxy (per host of ``urls``) and CA bundle requests would read from the environment,
    then turn ``trust_env`` off; ``~/.netrc`` is dropped (our calls carry their own Authorization).
    With ``trust_env`` every call rereads os.environ and ~/.netrc: a tenth of the CPU of a Spotify
    search (docs/benchmarks.md)."""
    if not session.trust_env:
        return session
    for url in urls:
        parts = urlsplit(url)
        if not parts.scheme or not parts.hostname:
            continue
        # select_proxy looks up "scheme://host" first; a host NO_PROXY exempts gets no key.
        if proxy := select_proxy(url, get_environ_proxies(url)):
            session.proxies.setdefault(f"{parts.scheme}://{parts.hostname}", proxy)
    if session.verify is True:  # as merge_environment_settings does when verify is left at True
        session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    session.trust_env = False
    return session
