"""Outbound HTTP sessions (requests) whose environment is read once, not on every call.

With ``trust_env`` (the default), every ``Session.request`` reads the environment again: the whole
of ``os.environ`` for ``*_proxy`` variables, ``NO_PROXY`` matched against the host, ``~/.netrc`` on
disk and ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``: about a tenth of the CPU of one of
music_service's Spotify searches (docs/benchmarks.md). None of it changes while a process runs, and
each of our sessions talks to a few hosts known at start-up, so ``read_environment_once`` settles
it there, host by host, and turns ``trust_env`` off.

``~/.netrc`` is the one thing dropped: every call of ours carries its own Authorization header,
which a netrc entry for the same host would silently replace.
"""

import os
from urllib.parse import urlsplit

import requests
from requests.utils import get_environ_proxies, select_proxy


def read_environment_once(session: requests.Session, *urls: str) -> requests.Session:
    """Fix in ``session`` the proxy (per host of ``urls``) and CA bundle that requests would take
    from the environment on each call, then stop it reading the environment. Returns ``session``."""
    if not session.trust_env:
        return session
    for url in urls:
        parts = urlsplit(url)
        if not parts.scheme or not parts.hostname:
            continue
        # The key requests looks up first for a URL (select_proxy): "scheme://host", no port. A host
        # NO_PROXY exempts gets no key, and with no per-scheme key either it goes direct.
        if proxy := select_proxy(url, get_environ_proxies(url)):
            session.proxies.setdefault(f"{parts.scheme}://{parts.hostname}", proxy)
    if session.verify is True:  # what merge_environment_settings does when verify is left at True
        session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    session.trust_env = False
    return session
