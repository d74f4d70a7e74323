"""A tiny JSON-over-HTTP client for tests against live services (requests, no mocking)."""

from __future__ import annotations

import requests


class Api:
    def __init__(self, base_url: str, token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.token = token

    def request(self, method: str, path: str, *, json=None, data=None, headers=None, timeout=10):
        merged = dict(headers or {})
        if self.token and "Authorization" not in merged:
            merged["Authorization"] = f"Bearer {self.token}"
        return self.session.request(
            method, self.base_url + path, json=json, data=data, headers=merged, timeout=timeout
        )

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def register_and_login(self, username: str, password: str = "Canciones-2026") -> Api:
        created = self.post("/register", json={"username": username, "password": password})
        assert created.status_code == 201, created.text
        tokens = self.post("/login", json={"username": username, "password": password})
        assert tokens.status_code == 200, tokens.text
        user = Api(self.base_url, token=tokens.json()["access"])
        user.refresh_token = tokens.json()["refresh"]
        user.user_id = created.json()["id"]
        return user
