"""The container tier: build and start the compose stack, then check it from the outside.

Run by ``scripts/test-docker`` (which first makes sure a Docker engine and the local base image
exist). Standard library only, so it runs on a fresh machine with nothing but python3.
Not a pytest module on purpose (the name does not start with ``test_``): it drives a real
Docker engine for minutes and is run by its own script.

Every check raises ``CheckFailed`` with what it saw; the run goes on with the next check when it
can, and the exit status is 1 if any check failed. The stack is torn down at the end (``down -v``)
whatever happened, unless ``--keep`` is given.

    python3 tests/docker/stack_checks.py --python-image musica/python-base:bookworm
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.keyless_double.server import recorded, synthesize_deezer  # noqa: E402 (stdlib-only module)

COMPOSE_FILES = ("docker-compose.yml", "docker-compose.test.yml")
SCALE = 5
NOTES_WHEN_SCALED = 100
PASSWORD = "Canciones-2026-docker"


class CheckFailed(AssertionError):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def log(message: str) -> None:
    print(f"[stack] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- docker / compose


def compose_command() -> list[str]:
    """MUSICA_COMPOSE if set, else `docker compose` (v2) when it works, else `docker-compose`."""
    if override := os.environ.get("MUSICA_COMPOSE"):
        return shlex.split(override)
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    raise SystemExit("neither `docker compose` nor `docker-compose` is installed")


def run(
    cmd: list[str],
    *,
    check: bool = True,
    env: dict | None = None,
    timeout: float = 900,
    quiet: bool = False,
    stream: bool = False,
) -> subprocess.CompletedProcess:
    """Run a command; ``stream`` shows its output as it goes (long builds) instead of capturing it."""
    if not quiet:
        log("$ " + " ".join(shlex.quote(part) for part in cmd))
    if stream:
        result = subprocess.run(cmd, stdout=sys.stderr, text=True, env=env, timeout=timeout)
    else:
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if check and result.returncode != 0:
        raise CheckFailed(
            f"command failed ({result.returncode}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{(result.stdout or '')[-4000:]}\n"
            f"--- stderr ---\n{(result.stderr or '')[-4000:]}"
        )
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    def __init__(self, *, python_image: str, project: str, auth_port: int):
        self.project = project
        self.auth_port = auth_port
        self.base_url = f"http://127.0.0.1:{auth_port}"
        self.compose = compose_command()
        self._tmp = tempfile.TemporaryDirectory(prefix="musica-stack-")
        # An empty env file: the repository's own .env (a developer's) must not leak in.
        self.env_file = Path(self._tmp.name) / "empty.env"
        self.env_file.write_text("")
        self.env = self._environment(python_image)

    def _environment(self, python_image: str) -> dict:
        env = dict(os.environ)
        # Whatever the caller's shell holds for the compose files' variables is dropped ...
        for name in self.compose_variables():
            env.pop(name, None)
        # ... and the run sets its own.
        env.update(
            PYTHON_IMAGE=python_image,
            AUTH_PORT=str(self.auth_port),
            MUSICA_TAG="test",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            MUSIC_DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            JWT_SIGNING_KEY=secrets.token_urlsafe(50),
            MUSIC_SERVICE_TOKEN=secrets.token_urlsafe(32),
            DOCKER_BUILDKIT="0",
            COMPOSE_DOCKER_CLI_BUILD="0",
        )
        return env

    @staticmethod
    def compose_variables() -> set[str]:
        names: set[str] = set()
        for name in COMPOSE_FILES:
            names |= set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", (ROOT / name).read_text()))
        return names | {"COMPOSE_PROFILES", "COMPOSE_PROJECT_NAME", "COMPOSE_FILE"}

    def cmd(self, *args: str) -> list[str]:
        files = [part for name in COMPOSE_FILES for part in ("-f", str(ROOT / name))]
        return [*self.compose, "--env-file", str(self.env_file), "-p", self.project, *files, *args]

    def run(
        self, *args: str, check: bool = True, timeout: float = 900, stream: bool = False
    ) -> subprocess.CompletedProcess:
        return run(self.cmd(*args), check=check, env=self.env, timeout=timeout, stream=stream)

    def containers(self, service: str | None = None) -> list[str]:
        """IDs of this project's running containers (of one service, or all)."""
        filters = ["--filter", f"label=com.docker.compose.project={self.project}"]
        if service:
            filters += ["--filter", f"label=com.docker.compose.service={service}"]
        out = run(["docker", "ps", "-q", "--no-trunc", *filters], quiet=True).stdout
        return out.split()

    def inspect(self, container: str) -> dict:
        return json.loads(run(["docker", "inspect", container], quiet=True).stdout)[0]

    def wait_healthy(self, service: str, count: int, timeout: float = 180) -> list[str]:
        deadline = time.monotonic() + timeout
        states: dict = {}
        while time.monotonic() < deadline:
            ids = self.containers(service)
            states = {}
            for cid in ids:
                state = self.inspect(cid)["State"]
                states[cid[:12]] = (state.get("Health") or {}).get("Status", state["Status"])
            if len(ids) == count and all(status == "healthy" for status in states.values()):
                return ids
            time.sleep(1)
        raise CheckFailed(f"{service}: wanted {count} healthy container(s) in {timeout}s, saw {states}")

    def exec_python(self, container: str, code: str) -> str:
        return run(["docker", "exec", container, "python3", "-c", code], quiet=True).stdout

    def double_control(self, path: str, body: dict | None = None) -> dict:
        """GET (or POST ``body`` to) the Deezer/iTunes double's /_control/<path>, from its container."""
        (double,) = self.containers("keyless-double")
        code = (
            "import sys, urllib.request\n"
            "data = sys.argv[2].encode() if sys.argv[2] != '-' else None\n"
            "req = urllib.request.Request('http://127.0.0.1:8080/_control/' + sys.argv[1], data=data,\n"
            "    headers={'Content-Type': 'application/json'})\n"
            "print(urllib.request.urlopen(req, timeout=5).read().decode())\n"
        )
        payload = "-" if body is None else json.dumps(body)
        out = run(["docker", "exec", double, "python3", "-c", code, path, payload], quiet=True).stdout
        return json.loads(out)

    def double_stats(self) -> dict:
        """The Deezer double's counters: the keyless stack asks Deezer first."""
        return self.double_control("stats")["deezer"]

    def logs(self, container: str) -> str:
        result = run(["docker", "logs", container], quiet=True)
        return result.stdout + result.stderr

    def dump_logs(self, tail: int = 60) -> None:
        for cid in self.containers():
            name = self.inspect(cid)["Name"].lstrip("/")
            lines = self.logs(cid).splitlines()[-tail:]
            print(f"\n----- logs of {name} (last {len(lines)} lines) -----", file=sys.stderr)
            print("\n".join(lines), file=sys.stderr)

    def close(self) -> None:
        self._tmp.cleanup()


# --------------------------------------------------------------------------- HTTP


def http(method: str, url: str, *, body=None, token: str | None = None, timeout: float = 15):
    data = None if body is None else json.dumps(body).encode()
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        status, raw, ctype = exc.code, exc.read(), exc.headers.get("Content-Type", "")
    payload = json.loads(raw) if "json" in ctype and raw else raw
    return status, payload, ctype


def wait_http_ok(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            status, payload, _ = http("GET", url, timeout=3)
            if status == 200:
                return
            last = (status, payload)
        except (OSError, urllib.error.URLError) as exc:
            last = exc
        time.sleep(0.5)
    raise CheckFailed(f"{url} did not answer 200 within {timeout}s (last: {last!r})")


# --------------------------------------------------------------------------- the checks


class Checks:
    def __init__(self, stack: Stack):
        self.stack = stack
        self.api = stack.base_url
        self.token: str | None = None
        self.username = f"docker{secrets.token_hex(4)}"
        self.notes_created = 0

    # -- helpers --------------------------------------------------------------
    def login(self) -> str:
        status, body, _ = http(
            "POST", f"{self.api}/login", body={"username": self.username, "password": PASSWORD}
        )
        expect(
            status == 200 and "access" in body and "refresh" in body,
            f"POST /login: wanted 200 with access/refresh, got {status}: {body!r}",
        )
        self.token = body["access"]
        return self.token

    def note_count(self) -> int:
        status, body, _ = http("GET", f"{self.api}/notas", token=self.token)
        expect(status == 200, f"GET /notas: wanted 200, got {status}: {body!r}")
        expect(
            isinstance(body, dict) and "count" in body and "results" in body,
            f"GET /notas: wanted a paginated body with count/results, got {body!r}",
        )
        return body["count"]

    def create_note(self, song: str) -> dict:
        status, body, _ = http(
            "POST",
            f"{self.api}/notas",
            token=self.token,
            body={"cancion": song, "texto": "desde el contenedor"},
        )
        expect(status == 201, f"POST /notas {song!r}: wanted 201, got {status}: {body!r}")
        expect(body.get("mensaje") == "Guardado con éxito", f"POST /notas: unexpected body {body!r}")
        return body["nota"]

    # -- checks ---------------------------------------------------------------
    def services_healthy(self) -> None:
        for service in ("keyless-double", "music_service", "auth_service"):
            self.stack.wait_healthy(service, 1)
        wait_http_ok(f"{self.api}/health")

    def flow_through_published_port(self) -> None:
        """register → login → POST /notas → 201 with the double's photo, via localhost:$AUTH_PORT."""
        status, body, _ = http("GET", f"{self.api}/health")
        expect(status == 200 and body == {"status": "ok"}, f"GET /health: {status} {body!r}")
        status, body, _ = http(
            "POST", f"{self.api}/register", body={"username": self.username, "password": PASSWORD}
        )
        expect(
            status == 201 and body.get("username") == self.username,
            f"POST /register: wanted 201, got {status}: {body!r}",
        )
        self.login()
        before = self.stack.double_stats()["search_calls"]
        song = f"Zumbido Docker {secrets.token_hex(3)}"
        nota = self.create_note(song)
        expect(
            nota.get("enriquecimiento") == "ok", f"the note was not enriched through music_service: {nota!r}"
        )
        stats = self.stack.double_stats()
        expect(
            stats["search_calls"] > before,
            f"the Deezer double saw no search (music used another source?): {stats!r}",
        )
        query = next((q for q in reversed(stats["queries"]) if song.lower() in q.lower()), None)
        expect(query is not None, f"the double never saw {song!r}; its queries: {stats['queries'][-5:]}")
        template = recorded()["deezer"]["search"]["answer"]["data"][0]
        expected = synthesize_deezer(query, template)["album"]["cover_xl"]
        expect(
            nota.get("foto") == expected,
            f"foto should be the double's photo {expected!r}, got {nota.get('foto')!r}",
        )
        self.notes_created += 1
        expect(self.note_count() == self.notes_created, "GET /notas does not list the new note")

    def enrich_runner_completes_pending(self) -> None:
        """Deezer and iTunes down: the note is saved "pendiente"; back up: the runner enriches it."""
        song = f"Zumbido pendiente {secrets.token_hex(3)}"
        for api in ("deezer", "itunes"):
            self.stack.double_control("config", {"api": api, "mode": "503"})
        try:
            status, body, _ = http("POST", f"{self.api}/notas", token=self.token, body={"cancion": song})
        finally:
            for api in ("deezer", "itunes"):
                self.stack.double_control("config", {"api": api, "mode": "ok"})
        expect(
            status == 201, f"POST /notas while Deezer and iTunes are down: wanted 201, got {status}: {body!r}"
        )
        self.notes_created += 1
        nota = body["nota"]
        expect(
            nota.get("enriquecimiento") == "pendiente" and body.get("aviso"),
            f"with Deezer and iTunes down the note should be saved pendiente with an aviso: {body!r}",
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status, current, _ = http("GET", f"{self.api}/notas/{nota['id']}", token=self.token)
            if status == 200 and current.get("enriquecimiento") == "ok" and current.get("foto"):
                return
            time.sleep(1)
        raise CheckFailed(f"enrich_runner did not enrich note {nota['id']} within 60s: {current!r}")

    def static_files_served(self) -> None:
        """whitenoise serves collectstatic output under gunicorn (DEBUG off)."""
        for path in ("/static/rest_framework/css/bootstrap.min.css", "/static/admin/css/base.css"):
            status, body, ctype = http("GET", f"{self.api}{path}")
            expect(
                status == 200 and "css" in ctype and len(body) > 1000,
                f"GET {path}: wanted 200 text/css, got {status} {ctype!r} ({len(body)} bytes)",
            )

    def music_not_published(self) -> None:
        """music_service publishes no port; auth reaches it by its alias on the internal network."""
        ids = self.stack.containers("music_service")
        expect(ids, "no music_service container is running")
        for cid in ids:
            info = self.stack.inspect(cid)
            bindings = info["HostConfig"].get("PortBindings") or {}
            published = {p: b for p, b in (info["NetworkSettings"].get("Ports") or {}).items() if b}
            expect(
                not bindings and not published,
                f"music_service {cid[:12]} publishes ports to the host: {bindings or published}",
            )
        try:
            with socket.create_connection(("127.0.0.1", 5001), timeout=2):
                log(
                    "note: something on the host listens on 127.0.0.1:5001 (not a music container: "
                    "none publishes a port)"
                )
        except OSError:
            pass
        (auth,) = self.stack.containers("auth_service")
        out = self.stack.exec_python(
            auth,
            "import urllib.request; print(urllib.request.urlopen(urllib.request.Request("
            "'http://music-service:5001/health'), timeout=5).status)",
        )
        expect(out.strip() == "200", f"auth could not reach http://music-service:5001/health: {out!r}")

    def scale_out_spreads_searches(self) -> None:
        """--scale music_service=5, 100 notes with different songs: every replica served some."""
        self.stack.run("up", "-d", "--no-build", "--scale", f"music_service={SCALE}")
        replicas = self.stack.wait_healthy("music_service", SCALE)
        self.stack.wait_healthy("auth_service", 1)

        def searches(cid: str) -> int:
            return sum(
                1
                for line in self.stack.logs(cid).splitlines()
                if '"path": "/search' in line or "GET /search" in line
            )

        before = {cid: searches(cid) for cid in replicas}
        calls_before = self.stack.double_stats()["search_calls"]
        tag = secrets.token_hex(3)
        songs = [f"Cancion escalada {tag} numero {i:03d}" for i in range(NOTES_WHEN_SCALED)]
        # One after the other, like one person saving notes: the verdict must not depend on luck.
        # (One user, 100 notes: docker-compose.test.yml turns the per-user write limit off.)
        # Docker's DNS answers every replica in a random order, so a fresh connection per search
        # spreads them (~20 each; P(a replica gets none) ~ 5 * 0.8**100); connections kept alive
        # in a pool pin every search to the replica the pool first connected to.
        notes = [self.create_note(song) for song in songs]
        self.notes_created += len(notes)
        not_ok = [n for n in notes if n.get("enriquecimiento") != "ok"]
        expect(not not_ok, f"{len(not_ok)} of {len(notes)} notes were not enriched: {not_ok[:3]!r}")
        served = {cid[:12]: searches(cid) - before[cid] for cid in replicas}
        log(f"searches served per music replica: {served}")
        calls = self.stack.double_stats()["search_calls"] - calls_before
        expect(
            calls >= NOTES_WHEN_SCALED,
            f"the double saw {calls} searches for {NOTES_WHEN_SCALED} different songs",
        )
        idle = [cid for cid, n in served.items() if n == 0]
        expect(
            not idle,
            f"{len(idle)} of {SCALE} music replicas served no search: {served} (does auth keep its "
            "connections to music alive? a pooled keep-alive connection never resolves "
            "music-service again, so new replicas get nothing)",
        )

    def containers_run_as_non_root(self) -> None:
        """Every process of every container of the stack runs as a non-root user."""
        ids = self.stack.containers()
        expect(len(ids) >= 4, f"expected at least 4 containers, found {len(ids)}")
        offenders = []
        for cid in ids:
            info = self.stack.inspect(cid)
            name = info["Name"].lstrip("/")
            user = info["Config"].get("User") or ""
            if user.split(":")[0] in {"", "0", "root"}:
                offenders.append(f"{name}: image/config user is {user!r}")
            top = run(["docker", "top", cid, "-eo", "uid,pid,args"], quiet=True).stdout.splitlines()[1:]
            offenders += [f"{name}: {line.strip()}" for line in top if line.split()[0] == "0"]
        expect(not offenders, "processes running as root:\n  " + "\n  ".join(offenders))

    def images_hold_no_secrets(self) -> None:
        """No .env, *.db, .git or build-time certificates inside the images."""
        images = {self.stack.inspect(cid)["Config"]["Image"] for cid in self.stack.containers()}
        finder = (
            "find / -xdev \\( -name .env -o -name '*.db' -o -name '*.sqlite3' -o -name .git"
            " -o -path /tmp/extra-certs -o -name ca-bundle.pem \\) -print 2>/dev/null || true"
        )
        for image in sorted(images):
            found = run(
                ["docker", "run", "--rm", "--entrypoint", "sh", image, "-c", finder], quiet=True
            ).stdout.split()
            expect(not found, f"{image} contains files that must not be in an image: {found}")

    def check_deploy(self) -> None:
        """manage.py check --deploy inside the auth (and music) containers reports no error."""
        for service in ("auth_service", "music_service"):
            result = self.stack.run(
                "exec", "-T", service, "python", "manage.py", "check", "--deploy", check=False
            )
            output = result.stdout + result.stderr
            warnings = sorted(set(re.findall(r"\((\w+\.W\d+)\)", output)))
            log(f"{service} check --deploy: exit {result.returncode}, warnings {warnings}")
            expect(
                result.returncode == 0 and "ERRORS:" not in output,
                f"{service}: manage.py check --deploy reported errors:\n{output}",
            )

    def containers_are_hardened(self) -> None:
        """No capabilities, no-new-privileges, CPU/memory/pids limits, a bounded restart policy."""
        problems = []
        for service in ("music_service", "auth_service", "enrich_runner"):
            for cid in self.stack.containers(service):
                host = self.stack.inspect(cid)["HostConfig"]
                name = f"{service} {cid[:12]}"
                if [cap.upper() for cap in host.get("CapDrop") or []] not in (["ALL"], ["CAP_ALL"]):
                    problems.append(f"{name}: CapDrop {host.get('CapDrop')}")
                if "no-new-privileges:true" not in (host.get("SecurityOpt") or []):
                    problems.append(f"{name}: SecurityOpt {host.get('SecurityOpt')}")
                for key in ("Memory", "NanoCpus", "PidsLimit"):
                    if not (host.get(key) or 0) > 0:
                        problems.append(f"{name}: no {key} limit ({host.get(key)})")
                policy = host.get("RestartPolicy") or {}
                if policy.get("Name") != "on-failure" or not policy.get("MaximumRetryCount"):
                    problems.append(f"{name}: restart policy {policy} (wanted on-failure:N)")
        expect(not problems, "containers not hardened:\n  " + "\n  ".join(problems))

    def enrich_runner_reports_health(self) -> None:
        """The runner touches a heartbeat file on every pass; its healthcheck reads the file's age."""
        (runner,) = self.stack.wait_healthy("enrich_runner", 1, timeout=150)
        fresh = run(
            [
                "docker",
                "exec",
                runner,
                "python3",
                "/etc/musica/healthcheck.py",
                "--heartbeat",
                "/tmp/enrich-heartbeat",
                "10",
            ],
            check=False,
            quiet=True,
        )
        expect(fresh.returncode == 0, f"the runner's heartbeat is not fresh: {fresh.stderr!r}")
        stale = run(
            [
                "docker",
                "exec",
                runner,
                "python3",
                "/etc/musica/healthcheck.py",
                "--heartbeat",
                "/tmp/enrich-heartbeat",
                "0",
            ],
            check=False,
            quiet=True,
        )
        expect(stale.returncode != 0, "the heartbeat check passes whatever the file's age")

    def database_files_are_owner_only(self) -> None:
        """notas.db and its -wal/-shm files in the volume are 0600 (umask 077 in the entrypoint)."""
        self.note_count()  # the database is open: -wal/-shm exist
        (auth,) = self.stack.containers("auth_service")
        out = self.stack.exec_python(
            auth,
            "import glob, os, stat\n"
            "for p in sorted(glob.glob('/data/notas.db*')): print(oct(stat.S_IMODE(os.stat(p).st_mode)), p)",
        )
        modes = dict(reversed(line.split()) for line in out.splitlines())
        expect("/data/notas.db" in modes, f"no /data/notas.db: {out!r}")
        loose = {path: mode for path, mode in modes.items() if mode != "0o600"}
        expect(not loose, f"database files readable by others: {loose}")

    def placeholder_secrets_are_refused(self) -> None:
        """An unedited .env (.env.example's values): each image exits at start naming the variable,
        and compose's restart policy leaves it exited (not restarting forever behind "unhealthy")."""
        example = dict(
            line.split("=", 1)
            for line in (ROOT / ".env.example").read_text().splitlines()
            if line and not line.startswith("#") and "=" in line
        )
        for service, key_name in (("music_service", "MUSIC_DJANGO_SECRET_KEY"), ("auth_service", None)):
            (cid,) = self.stack.containers(service)[:1]
            info = self.stack.inspect(cid)
            policy = info["HostConfig"]["RestartPolicy"]
            env = {**example, "DJANGO_DEBUG": "0"}
            if key_name:
                env["DJANGO_SECRET_KEY"] = example[key_name]
            name = f"{self.stack.project}-placeholder-{service}".replace("_", "-")
            args = [f"--restart={policy['Name']}:{policy['MaximumRetryCount']}", "--name", name]
            for key, value in env.items():
                args += ["-e", f"{key}={value}"]
            run(["docker", "rm", "-f", name], check=False, quiet=True)
            run(["docker", "run", "-d", *args, info["Config"]["Image"]], quiet=True)
            try:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    state = self.stack.inspect(name)["State"]
                    if state["Status"] == "exited":
                        break
                    time.sleep(2)
                logs = self.stack.logs(name)
                expect(
                    state["Status"] == "exited" and state["ExitCode"] != 0,
                    f"{service} with .env.example's placeholders is {state['Status']} "
                    f"(health {(state.get('Health') or {}).get('Status')}), not exited:\n{logs[-2000:]}",
                )
                expect(
                    any(
                        var in logs for var in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_SERVICE_TOKEN")
                    ),
                    f"{service} exited without naming the variable:\n{logs[-2000:]}",
                )
            finally:
                run(["docker", "rm", "-f", name], check=False, quiet=True)

    def restart_keeps_notes(self) -> None:
        """`restart auth_service` keeps every note (notas.db is on the named volume)."""
        expected = self.note_count()
        expect(
            expected == self.notes_created, f"before restart: {expected} notes, created {self.notes_created}"
        )
        self.stack.run("restart", "auth_service")
        self.stack.wait_healthy("auth_service", 1)
        wait_http_ok(f"{self.api}/health")
        self.login()
        count = self.note_count()
        expect(count == expected, f"after restart auth_service: {count} notes, wanted {expected}")

    def down_up_keeps_notes(self) -> None:
        """`down` + `up` without -v keeps every note."""
        expected = self.notes_created
        self.stack.run("down")
        expect(not self.stack.containers(), "containers still running after down")
        self.stack.run("up", "-d", "--no-build")
        self.stack.wait_healthy("auth_service", 1)
        wait_http_ok(f"{self.api}/health")
        self.login()
        count = self.note_count()
        expect(count == expected, f"after down + up: {count} notes, wanted {expected}")


# --------------------------------------------------------------------------- driver


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python-image", default=os.environ.get("PYTHON_IMAGE", "python:3.12-slim"))
    parser.add_argument("--project", default=os.environ.get("MUSICA_TEST_PROJECT", "musicatest"))
    parser.add_argument("--auth-port", type=int, default=int(os.environ.get("MUSICA_TEST_AUTH_PORT", "0")))
    parser.add_argument("--keep", action="store_true", help="leave the stack running at the end")
    args = parser.parse_args()

    stack = Stack(
        python_image=args.python_image, project=args.project, auth_port=args.auth_port or free_port()
    )
    checks = Checks(stack)
    timings: list[tuple[str, float, str]] = []
    failures: list[str] = []

    def step(name: str, fn: Callable[[], None], *, fatal: bool = False) -> bool:
        log(f"==> {name}")
        started = time.monotonic()
        outcome = "ok"
        try:
            fn()
        except (CheckFailed, subprocess.TimeoutExpired, OSError, KeyError, ValueError) as exc:
            outcome = "FAILED"
            failures.append(f"{name}: {exc}")
            log(f"FAILED {name}: {exc}")
        elapsed = time.monotonic() - started
        timings.append((name, elapsed, outcome))
        log(f"<== {name}: {outcome} in {elapsed:.1f}s")
        if outcome != "ok" and fatal:
            raise CheckFailed(name)
        return outcome == "ok"

    log(
        f"compose: {' '.join(stack.compose)}; project {stack.project}; auth on {stack.base_url}; "
        f"base image {args.python_image}"
    )
    started = time.monotonic()
    try:
        # Leftovers of an interrupted run of this same test project only.
        stack.run("down", "-v", "--remove-orphans", check=False)
        step("compose up -d --build", lambda: stack.run("up", "-d", "--build", stream=True), fatal=True)
        step("services healthy", checks.services_healthy, fatal=True)
        step(
            "flow through localhost:$AUTH_PORT (register, login, note with the double's photo)",
            checks.flow_through_published_port,
            fatal=True,
        )
        step(
            "enrich_runner enriches a note saved while Deezer and iTunes were down",
            checks.enrich_runner_completes_pending,
        )
        step("static files served by whitenoise", checks.static_files_served)
        step("music_service not published to the host", checks.music_not_published)
        step("manage.py check --deploy has no errors", checks.check_deploy)
        step(
            f"--scale music_service={SCALE}: {NOTES_WHEN_SCALED} notes reach every replica",
            checks.scale_out_spreads_searches,
        )
        step("every container runs as non-root", checks.containers_run_as_non_root)
        step("cap_drop ALL, no-new-privileges, limits, on-failure:N", checks.containers_are_hardened)
        step("enrich_runner healthy by its heartbeat", checks.enrich_runner_reports_health)
        step("notas.db and its WAL files are 0600", checks.database_files_are_owner_only)
        step(
            ".env.example's placeholder secrets: exit at start, stays exited",
            checks.placeholder_secrets_are_refused,
        )
        step("no .env, *.db, .git or build certificates in the images", checks.images_hold_no_secrets)
        step("restart auth_service keeps the notes", checks.restart_keeps_notes)
        step("down + up (no -v) keeps the notes", checks.down_up_keeps_notes)
    except CheckFailed:
        pass  # a fatal step failed: the rest depends on it
    except KeyboardInterrupt:
        failures.append("interrupted")
    finally:
        if failures:
            try:
                stack.dump_logs()
            except (CheckFailed, OSError) as exc:
                log(f"could not dump logs: {exc}")
        if args.keep:
            log(
                f"--keep: the stack stays up (project {stack.project}); "
                f"remove it with: {' '.join(stack.cmd('down', '-v'))}"
            )
        else:
            tear_started = time.monotonic()
            stack.run("down", "-v", "--remove-orphans", check=False)
            timings.append(("compose down -v", time.monotonic() - tear_started, "ok"))
        stack.close()

    total = time.monotonic() - started
    print("\nstack checks:", file=sys.stderr)
    for name, elapsed, outcome in timings:
        print(f"  {outcome:6} {elapsed:7.1f}s  {name}", file=sys.stderr)
    print(f"  total  {total:7.1f}s", file=sys.stderr)
    checks_run = [t for t in timings if t[0] != "compose down -v"]
    passed = sum(1 for _, _, outcome in checks_run if outcome == "ok")
    summary = f"docker: {passed} passed, {len(checks_run) - passed} failed"
    if summary_file := os.environ.get("MUSICA_SUMMARY_FILE"):
        Path(summary_file).write_text(summary + "\n")
    if failures:
        print(f"\n{len(failures)} check(s) failed:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure[:2000]}", file=sys.stderr)
        return 1
    print(f"\nall stack checks passed ({summary})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
