"""The Swarm stack (deploy/swarm/docker-stack.yml + the Spotify double) on a real one-node swarm,
checked from the outside over HTTPS through the proxy. The tests share the stack and run in file
order: the flow, the edge, rolling updates under load, secrets, a killed task, scaling out."""

from __future__ import annotations

import json
import re
import secrets
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.containers import PASSWORD, User, docker, log, run, searches
from tests.support.tools import CHROMIUM_ARGS, find_chromium
from tests.support.waiting import wait_until
from tests.swarm.conftest import FIGURES, SERVICES

LOAD_USERS = 20
# Each user saves a note every PACE seconds: under the 30/min per-user write limit.
PACE = 2.4
# POST /notas started while the updates ran, both updates together.
MIN_REQUESTS_DURING_UPDATES = 300
SCALED = 5
NOTES_WHEN_SCALED = 100


def test_the_flow_over_https_with_curl(stack):
    """register → login → POST /notas (the double's photo) → GET /notas, with curl --cacert."""
    name = f"curl{secrets.token_hex(4)}"
    credentials = json.dumps({"username": name, "password": PASSWORD})
    url = stack.base_url

    def curl_json(*args: str) -> tuple[int, dict]:
        result = stack.curl("-w", "\n%{http_code}", "-H", "Content-Type: application/json", *args)
        assert result.returncode == 0, result.stderr
        body, _, status = result.stdout.rpartition("\n")
        return int(status), json.loads(body)

    assert curl_json("-X", "POST", f"{url}/register", "-d", credentials)[0] == 201
    status, tokens = curl_json("-X", "POST", f"{url}/login", "-d", credentials)
    assert status == 200 and tokens["access"], tokens
    bearer = f"Authorization: Bearer {tokens['access']}"
    before = stack.double_stats()["search_calls"]
    song = f"Zumbido Swarm {secrets.token_hex(3)}"
    status, created = curl_json(
        "-X", "POST", f"{url}/notas", "-H", bearer, "-d", json.dumps({"cancion": song})
    )
    assert status == 201, created
    nota = created["nota"]
    assert nota["enriquecimiento"] == "ok" and nota["foto"].startswith("https://"), nota
    assert stack.double_stats()["search_calls"] > before, "music did not ask the Spotify double"
    status, listed = curl_json(f"{url}/notas", "-H", bearer)
    assert status == 200 and [n["id"] for n in listed["results"]] == [nota["id"]], listed


def test_https_only_with_the_local_ca_and_hsts(stack):
    """The certificate is the test CA's; plain HTTP only redirects; Django sees HTTPS (HSTS)."""
    without_ca = run(["curl", "-sS", "--max-time", "10", f"{stack.base_url}/health"], check=False, quiet=True)
    assert without_ca.returncode != 0, "curl trusted the proxy's certificate without the test CA"
    headers = stack.curl("-D", "-", "-o", "/dev/null", f"{stack.base_url}/health").stdout
    assert re.search(r"(?im)^strict-transport-security: max-age=\d+", headers), headers
    # A client's own X-Forwarded-Proto is replaced by the proxy's: still HTTPS, still HSTS.
    spoofed = stack.curl(
        "-D", "-", "-o", "/dev/null", "-H", "X-Forwarded-Proto: http", f"{stack.base_url}/health"
    )
    assert re.search(r"(?im)^strict-transport-security:", spoofed.stdout), spoofed.stdout
    plain_url = f"http://localhost:{stack.http_port}/notas"
    plain = stack.curl("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", plain_url)
    assert plain.stdout.startswith("308 https://localhost/notas"), plain.stdout


def test_the_admin_login_in_headless_chromium_over_https(stack):
    """CSRF over HTTPS behind the proxy (CSRF_TRUSTED_ORIGINS, SECURE_PROXY_SSL_HEADER) and secure
    cookies, in Debian's Chromium trusting only the test certificate."""
    from playwright.sync_api import sync_playwright

    username, password = f"admin{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    auth = stack.containers("auth")[0]
    superuser = ["-e", f"DJANGO_SUPERUSER_USERNAME={username}", "-e", f"DJANGO_SUPERUSER_PASSWORD={password}"]
    docker("exec", *superuser, auth, "python", "manage.py", "createsuperuser", "--noinput")
    args = [*CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={stack.spki}"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), headless=True, args=args)
        try:
            context = browser.new_context(locale="es-ES")
            page = context.new_page()
            page.goto(f"{stack.base_url}/admin/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("input[type=submit]")
            page.wait_for_url("**/admin/")
            assert page.locator("#user-tools").count() == 1, page.content()[:2000]
            cookies = {cookie["name"]: cookie for cookie in context.cookies()}
            assert cookies["sessionid"]["secure"] and cookies["csrftoken"]["secure"], cookies
        finally:
            browser.close()


def test_music_is_not_published_nor_reachable_from_the_proxy(stack):
    for name in ("music", "auth", "postgres", "redis", "runner"):
        ports = stack.inspect_service(name)["Endpoint"].get("Ports") or []
        assert not ports, f"{name} publishes {ports}"
    proxy_ports = stack.inspect_service("proxy")["Endpoint"]["Ports"]
    assert {p["PublishMode"] for p in proxy_ports} == {"host"}, proxy_ports
    resolve = "import socket, sys; socket.getaddrinfo(sys.argv[1], 5001); print('resolved')"
    (proxy,) = stack.containers("proxy")
    from_proxy = run(["docker", "exec", proxy, "python3", "-c", resolve, "music"], check=False, quiet=True)
    assert from_proxy.returncode != 0, "the proxy (edge network only) resolves music"
    auth = stack.containers("auth")[0]
    from_auth = run(["docker", "exec", auth, "python3", "-c", resolve, "music"], check=False, quiet=True)
    assert from_auth.stdout.strip() == "resolved", from_auth.stderr
    status, _, _ = stack.http("GET", "/search?q=queen")
    assert status == 404, f"GET /search through the proxy answered {status}: music behind it?"


class Load:
    """LOAD_USERS users saving notes through the proxy, each with an Idempotency-Key and one retry
    on a dropped connection (a 409, the key still in progress, is asked again a second later).
    Every request opens its own connection (no session is kept), as a new client would."""

    def __init__(self, stack, users: list[User], label: str):
        self.stack, self.label = stack, label
        self.stop = threading.Event()
        self.results: list[dict] = []  # list.append is atomic: no lock
        self.threads = [threading.Thread(target=self.run, args=(u,), daemon=True) for u in users]

    def one(self, user: User, n: int) -> dict:
        key = str(uuid.uuid4())
        note = {"cancion": f"Rolling {self.label} {key[:8]} {n}", "texto": f"swarm-load-{key}"}
        started = time.monotonic()
        retried = in_progress = 0
        common = {"key": key, "started": started}
        while True:
            try:
                status, payload, _ = self.stack.http(
                    "POST", "/notas", body=note, token=user.token, headers={"Idempotency-Key": key}
                )
            except OSError as exc:  # refused, reset, closed, timed out (requests' errors are OSErrors)
                if retried:
                    return {**common, "status": "dropped", "error": repr(exc), "retried": retried}
                retried += 1
                continue
            if status == 409 and in_progress < 10:
                in_progress += 1
                time.sleep(1)
                continue
            break
        seconds = time.monotonic() - started
        return {**common, "status": status, "seconds": seconds, "retried": retried, "body": payload}

    def run(self, user: User) -> None:
        n = 0
        while not self.stop.is_set():
            started = time.monotonic()
            self.results.append(self.one(user, n))
            n += 1
            self.stop.wait(max(0.0, PACE - (time.monotonic() - started)))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def rolling_update(stack, users: list[User], name: str) -> tuple[dict, list[dict]]:
    before = set(stack.containers(name))
    replicas = len(before)
    with Load(stack, users, name) as load:
        time.sleep(3)  # load running before the update starts
        started = time.monotonic()
        # The stack's own settings (parallelism 1, start-first, rollback on failure) with a shorter
        # monitor and delay, so the test fits its time budget.
        update = ["docker", "service", "update", "--force", "--detach=false"]
        run([*update, "--update-delay", "2s", "--update-monitor", "10s", stack.service(name)], timeout=480)
        finished = time.monotonic()
        time.sleep(2)
    after = stack.wait_healthy(name, replicas)
    assert not before & set(after), f"{name}: some tasks were not replaced"
    state = stack.inspect_service(name).get("UpdateStatus", {}).get("State")
    assert state == "completed", f"{name}: update state {state} (rolled back?)"
    results = load.results
    during = [r for r in results if started <= r["started"] <= finished]
    latencies = sorted(r["seconds"] for r in during if r["status"] == 201)
    figures = {
        "service": name,
        "replicas": replicas,
        "update_seconds": round(finished - started, 1),
        "requests_during_update": len(during),
        "requests": len(results),
        "created": sum(r["status"] == 201 for r in results),
        "5xx": sum(isinstance(r["status"], int) and r["status"] >= 500 for r in results),
        "dropped_after_retry": sum(r["status"] == "dropped" for r in results),
        "retried": sum(r["retried"] for r in results),
        "p50_ms": round(statistics.median(latencies) * 1000) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000) if latencies else None,
    }
    log(f"rolling update of {name}: {figures}")
    return figures, results


@pytest.mark.timeout(1200)  # two updates, each bounded by its docker command's 480 s
def test_rolling_updates_of_auth_then_music_under_load_lose_nothing(stack):
    """`docker service update --force` of auth, then music, one task at a time, while 20 users save
    notes through the proxy: no 5xx, no dropped request, every 201's note in PostgreSQL once."""
    users = [User(stack, "load") for _ in range(LOAD_USERS)]
    all_figures, all_results = [], []
    for name in ("auth", "music"):
        figures, results = rolling_update(stack, users, name)
        all_figures.append(figures)
        all_results += results
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(all_figures, indent=2) + "\n")
    failures = [r for r in all_results if r["status"] != 201]
    during = sum(f["requests_during_update"] for f in all_figures)
    assert during >= MIN_REQUESTS_DURING_UPDATES, f"only {during} requests while the updates ran"
    assert not failures, f"{len(failures)} of {len(all_results)} requests were not 201: {failures[:5]}"
    # Every 201's note is in PostgreSQL exactly once (texto carries the request's key).
    rows = stack.psql("SELECT texto, count(*) FROM notes_note WHERE texto LIKE 'swarm-load-%' GROUP BY texto")
    counts = dict(line.split("|") for line in rows.splitlines() if line)
    keys = {f"swarm-load-{r['key']}" for r in all_results if r["status"] == 201}
    missing = keys - set(counts)
    twice = {k: c for k, c in counts.items() if c != "1"}
    assert not missing and not twice, f"missing notes {sorted(missing)[:5]}, saved more than once {twice}"
    assert len(keys) == len(all_results)


def test_no_secret_in_service_inspect_container_inspect_or_any_log(stack):
    values = {name: value for name, value in stack.values.items() if len(value) >= 16}
    found = []
    for name in SERVICES:
        texts = {
            "docker service inspect": json.dumps(stack.inspect_service(name)),
            "the logs of its containers": stack.logs(name),
        }
        for cid in stack.containers(name):
            texts[f"docker inspect {cid[:12]}"] = docker("inspect", cid)
        for where, text in texts.items():
            found += [
                f"{variable} in {where} of {name}"
                for variable, value in values.items()
                # The double stands in for Spotify, which knows its own client's credentials.
                if value in text and not (name == "spotify-double" and variable.startswith("SPOTIFY_"))
            ]
    assert not found, found
    spec = stack.inspect_service("auth")["Spec"]["TaskTemplate"]["ContainerSpec"]
    assert "JWT_SIGNING_KEY_FILE=/run/secrets/jwt_signing_key" in spec["Env"]
    assert {s["File"]["Name"] for s in spec["Secrets"]} >= {"jwt_signing_key", "database_url"}


def test_a_killed_music_task_is_replaced_and_notes_keep_their_photos(stack, user):
    victim = stack.containers("music")[0]
    run(["docker", "kill", victim])

    def replaced():
        healthy = stack.healthy("music")
        return victim not in healthy and len(healthy) == 3 and healthy

    wait_until(
        replaced, timeout=240, interval=2, message=lambda: f"music not back to 3:\n{stack.ps('music')}"
    )
    for i in range(5):
        nota = user.create_note(f"Despues del kill {secrets.token_hex(3)} {i}")
        assert nota["enriquecimiento"] == "ok" and nota["foto"], nota


def test_music_scaled_from_3_to_5_every_replica_serves_searches(stack):
    run(["docker", "service", "scale", "--detach=false", f"{stack.service('music')}={SCALED}"], timeout=300)
    replicas = stack.wait_healthy("music", SCALED)

    before = {cid: searches(cid) for cid in replicas}
    users = [User(stack, "scale") for _ in range(5)]
    tag = secrets.token_hex(3)
    errors: list[str] = []

    def save(u: User, offset: int) -> None:
        for i in range(NOTES_WHEN_SCALED // len(users)):
            try:
                nota = u.create_note(f"Cancion escalada {tag} {offset} {i:03d}")
                if nota["enriquecimiento"] != "ok":
                    errors.append(repr(nota))
            except AssertionError as exc:
                errors.append(str(exc))

    with ThreadPoolExecutor(len(users)) as pool:
        list(pool.map(save, users, range(len(users))))
    assert not errors, errors[:3]
    served = {cid[:12]: searches(cid) - before[cid] for cid in replicas}
    log(f"searches served per music replica: {served}")
    assert all(n > 0 for n in served.values()), f"a music replica served no search: {served}"
