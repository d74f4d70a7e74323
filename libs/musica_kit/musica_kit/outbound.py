"""Outbound sessions read the environment once: with trust_env every call rereads it (docs/benchmarks.md)."""

import os
from urllib.parse import urlsplit

import requests
from requests.utils import get_environ_proxies, select_proxy


def read_environment_once(session: requests.Session, *urls: str) -> requests.Session:
    """Fix the environment's proxy (per host of ``urls``) and CA bundle, then drop it and ~/.netrc."""
    if not session.trust_env:
        return session
    for url in urls:
        parts = urlsplit(url)
        if not parts.scheme or not parts.hostname:
            continue
        if proxy := select_proxy(url, get_environ_proxies(url)):
            session.proxies.setdefault(f"{parts.scheme}://{parts.hostname}", proxy)
    if session.verify is True:  # as merge_environment_settings does
        session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    session.trust_env = False
    return session
