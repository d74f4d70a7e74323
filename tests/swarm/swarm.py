"""The Swarm stack the tests drive: its secrets, a local CA, `docker stack deploy`, tasks, HTTPS.

Used by tests/swarm/conftest.py, which deploys deploy/swarm/docker-stack.yml (+ the test override
with the Spotify double) once per session under its own stack name and removes exactly what it
created at the end: the stack, its secrets and volumes, and the swarm itself if it made it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shlex
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.processes import free_port
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
STACK_FILES = (
    ROOT / "deploy" / "swarm" / "docker-stack.yml",
    ROOT / "tests" / "swarm" / "docker-stack.test.yml",
)
# The Spotify double's own test credentials (its image's default command).
SPOTIFY_ID, SPOTIFY_SECRET = "test-client-id", "test-client-secret"


class CommandFailed(AssertionError):
    pass


def log(message: str) -> None:
    print(f"[swarm] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], *, check: bool = True, timeout: float = 120, env=None, quiet=False, input=None):
    if not quiet:
        log("$ " + " ".join(shlex.quote(part) for part in cmd))
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, input=input)
    if check and result.returncode != 0:
        raise CommandFailed(
            f"command failed ({result.returncode}): {' '.join(cmd)}\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


class Stack:
    def __init__(self, name: str, tag: str):
        self.name = name
        self.tag = tag
        self.tmp = Path(tempfile.mkdtemp(prefix="musica-swarm-"))
        self.https_port = free_port()
        self.http_port = free_port()
        self.base_url = f"https://localhost:{self.https_port}"
        self.created_swarm = False
        # Every secret value, to look for in `docker service inspect` and the logs.
        self.values = {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "MUSIC_DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
            "MUSIC_SERVICE_TOKEN": secrets.token_urlsafe(40),
            "METRICS_TOKEN": secrets.token_urlsafe(40),
            "POSTGRES_PASSWORD": secrets.token_urlsafe(30),
            "SPOTIFY_CLIENT_ID": SPOTIFY_ID,
            "SPOTIFY_CLIENT_SECRET": SPOTIFY_SECRET,
        }
        self.ca = self.tmp / "ca.crt"

    # ------------------------------------------------------------------ set-up / tear-down
    def env(self) -> dict:
        node = run(["docker", "node", "inspect", "self", "--format", "{{.Description.Hostname}}"], quiet=True)
        return {
            **os.environ,
            "MUSICA_TAG": self.tag,
            "MUSICA_SECRET_PREFIX": self.name,
            "MUSICA_DATA_NODE": node.stdout.strip(),
            "MUSICA_PUBLIC_HOST": "localhost",
            "MUSICA_PUBLIC_ORIGIN": self.base_url,
            "MUSICA_HTTPS_PORT": str(self.https_port),
            "MUSICA_HTTP_PORT": str(self.http_port),
            "MUSICA_EDGE_SUBNET": "10.239.0.0/24",
            "SPOTIFY_API_URL": "http://spotify-double:8080/v1/",
            "SPOTIFY_AUTH_URL": "http://spotify-double:8080/api/token",
            "MUSIC_PROVIDERS": "spotify",
            # One client address (this host) registers and logs in every test user.
            "THROTTLE_LOGIN": "1000/min",
            "THROTTLE_REGISTER": "1000/hour",
        }

    def ensure_swarm(self) -> None:
        state = run(["docker", "info", "--format", "{{.Swarm.LocalNodeState}}"], quiet=True).stdout.strip()
        log(f"swarm state before the test: {state}")
        if state == "inactive":
            result = run(["docker", "swarm", "init"], check=False)
            if result.returncode != 0:  # several addresses: name one
                run(["docker", "swarm", "init", "--advertise-addr", "127.0.0.1"])
            self.created_swarm = True
        elif state != "active":
            raise CommandFailed(f"this node's swarm state is {state!r}")

    def make_certificates(self) -> tuple[Path, Path]:
        """A local CA and a certificate for localhost signed by it (the proxy's tls secrets)."""
        key, csr, cert = self.tmp / "site.key", self.tmp / "site.csr", self.tmp / "site.crt"
        ca_key = self.tmp / "ca.key"
        ext = self.tmp / "ext.cnf"
        ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        openssl = ["openssl"]
        run(
            [
                *openssl,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=musica test CA",
                "-keyout",
                str(ca_key),
                "-out",
                str(self.ca),
            ],
            quiet=True,
        )
        run(
            [
                *openssl,
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=localhost",
                "-keyout",
                str(key),
                "-out",
                str(csr),
            ],
            quiet=True,
        )
        run(
            [
                *openssl,
                "x509",
                "-req",
                "-in",
                str(csr),
                "-CA",
                str(self.ca),
                "-CAkey",
                str(ca_key),
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                str(ext),
                "-out",
                str(cert),
            ],
            quiet=True,
        )
        # Chromium trusts this one certificate by its public key's hash (it takes no CA file).
        pem = run(["openssl", "x509", "-pubkey", "-noout", "-in", str(cert)], quiet=True).stdout
        der = base64.b64decode("".join(line for line in pem.splitlines() if "-----" not in line))
        self.spki = base64.b64encode(hashlib.sha256(der).digest()).decode()
        return cert, key

    def create_secrets(self) -> None:
        cert, key = self.make_certificates()
        self.values["TLS_KEY"] = key.read_text().strip().splitlines()[1]  # a line of the key
        env_file = self.tmp / "stack.env"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in self.values.items() if k != "TLS_KEY"))
        result = run(
            [
                str(ROOT / "deploy" / "swarm" / "secrets.sh"),
                "--from-env",
                str(env_file),
                "--tls-cert",
                str(cert),
                "--tls-key",
                str(key),
            ],
            env=self.env(),
        )
        log(result.stdout.strip())
        env_file.unlink()

    def deploy(self) -> None:
        files = [part for path in STACK_FILES for part in ("-c", str(path))]
        run(
            ["docker", "stack", "deploy", "--resolve-image", "never", *files, self.name],
            env=self.env(),
            timeout=300,
        )

    def remove(self) -> None:
        """The stack, then (once its containers are gone) its volumes and secrets, then the swarm if
        this test made it. Only names of this stack are touched."""
        run(["docker", "stack", "rm", self.name], check=False, timeout=120)

        def gone() -> bool:
            return not run(
                ["docker", "ps", "-aq", "--filter", f"label=com.docker.stack.namespace={self.name}"],
                quiet=True,
            ).stdout.split()

        try:
            wait_until(gone, timeout=120, interval=2, message="stack containers still there")
        except AssertionError as exc:
            log(str(exc))
        volumes = run(
            ["docker", "volume", "ls", "-q", "--filter", f"label=com.docker.stack.namespace={self.name}"],
            quiet=True,
        ).stdout.split()
        secret_ids = run(
            ["docker", "secret", "ls", "-q", "--filter", f"label=org.musica.stack-secrets={self.name}"],
            quiet=True,
        ).stdout.split()

        def removed() -> bool:  # networks and volumes go a moment after the containers
            run(["docker", "volume", "rm", *volumes], check=False, quiet=True) if volumes else None
            left = run(["docker", "volume", "ls", "-q"], quiet=True).stdout.split()
            return not set(volumes) & set(left)

        try:
            wait_until(removed, timeout=60, interval=2, message=f"volumes {volumes} not removed")
        except AssertionError as exc:
            log(str(exc))
        if secret_ids:
            run(["docker", "secret", "rm", *secret_ids], check=False)
        if self.created_swarm:
            run(["docker", "swarm", "leave", "--force"], check=False)
        for path in self.tmp.iterdir():
            path.unlink()
        self.tmp.rmdir()

    # ------------------------------------------------------------------ services and tasks
    def service(self, name: str) -> str:
        return f"{self.name}_{name}"

    def inspect_service(self, name: str) -> dict:
        return json.loads(run(["docker", "service", "inspect", self.service(name)], quiet=True).stdout)[0]

    def containers(self, name: str) -> list[str]:
        """Running containers of one service."""
        out = run(
            [
                "docker",
                "ps",
                "-q",
                "--no-trunc",
                "--filter",
                f"label=com.docker.swarm.service.name={self.service(name)}",
            ],
            quiet=True,
        ).stdout
        return out.split()

    def healthy(self, name: str) -> list[str]:
        found = []
        for cid in self.containers(name):
            state = json.loads(run(["docker", "inspect", cid], quiet=True).stdout)[0]["State"]
            if (state.get("Health") or {}).get("Status", state["Status"]) in ("healthy", "running"):
                found.append(cid)
        return found

    def wait_healthy(self, name: str, count: int, timeout: float = 240) -> list[str]:
        seen: list[str] = []

        def ready():
            seen[:] = self.healthy(name)
            return list(seen) if len(seen) == count else None

        return wait_until(
            ready,
            timeout=timeout,
            interval=2,
            message=lambda: f"{name}: wanted {count} healthy tasks, saw {len(seen)}\n{self.ps(name)}",
        )

    def ps(self, name: str) -> str:
        return run(
            ["docker", "service", "ps", "--no-trunc", self.service(name)], check=False, quiet=True
        ).stdout

    def logs(self, name: str) -> str:
        """The logs of every container the service ran, those a rolling update stopped included
        (`docker service logs` can hang on this engine once tasks are gone)."""
        ids = run(
            ["docker", "ps", "-aq", "--filter", f"label=com.docker.swarm.service.name={self.service(name)}"],
            quiet=True,
        ).stdout.split()
        return "\n".join(self.container_logs(cid) for cid in ids)

    def container_logs(self, cid: str) -> str:
        result = run(["docker", "logs", cid], check=False, quiet=True)
        return result.stdout + result.stderr

    def psql(self, sql: str) -> str:
        (cid,) = self.containers("postgres")
        script = (
            'PGPASSWORD="$(cat /run/secrets/postgres_password)" '
            'psql -h 127.0.0.1 -U musica -d musica -Atc "$1"'
        )
        return run(["docker", "exec", cid, "sh", "-c", script, "psql", sql], quiet=True).stdout

    def double_stats(self) -> dict:
        (cid,) = self.containers("spotify-double")
        code = "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8080/_control/stats').read().decode())"
        return json.loads(run(["docker", "exec", cid, "python3", "-c", code], quiet=True).stdout)

    # ------------------------------------------------------------------ HTTPS
    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))

    def curl(self, *args: str) -> subprocess.CompletedProcess:
        return run(
            ["curl", "-sS", "--max-time", "20", "--cacert", str(self.ca), *args], check=False, quiet=True
        )

    def http(self, method: str, path: str, *, body=None, token=None, headers=None, timeout: float = 30):
        """(status, JSON body or raw bytes, headers) of one request through the proxy."""
        data = None if body is None else json.dumps(body).encode()
        all_headers = {"Accept": "application/json", **(headers or {})}
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=self.ssl_context()) as response:
                status, raw, got = response.status, response.read(), response.headers
        except urllib.error.HTTPError as exc:
            status, raw, got = exc.code, exc.read(), exc.headers
        payload = json.loads(raw) if "json" in (got.get("Content-Type") or "") and raw else raw
        return status, payload, got


def wait_https_ok(stack: Stack, path: str = "/health", timeout: float = 180) -> None:
    last: list[object] = [None]

    def answers() -> bool:
        try:
            status, payload, _ = stack.http("GET", path, timeout=5)
        except OSError as exc:
            last[0] = exc
            return False
        last[0] = (status, payload)
        return status == 200

    wait_until(answers, timeout=timeout, interval=1, message=lambda: f"{path} through the proxy: {last[0]!r}")


def elapsed(since: float) -> str:
    return f"{time.monotonic() - since:.1f}s"
