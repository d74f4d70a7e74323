"""The Swarm stack the tests drive: its secrets, a local CA, `docker stack deploy`, tasks, HTTPS.

tests/swarm/conftest.py deploys deploy/swarm/docker-stack.yml (+ the test override with the Spotify
double) once per session under its own stack name and removes exactly what it created at the end:
the stack, its secrets and volumes, and the swarm itself if it made it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shlex
import tempfile
from pathlib import Path

from tests.support import containers as engine
from tests.support.processes import free_port
from tests.support.waiting import WaitTimeout, wait_until

ROOT = Path(__file__).resolve().parents[2]
STACK_FILES = (ROOT / "deploy/swarm/docker-stack.yml", ROOT / "tests/swarm/docker-stack.test.yml")


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
            # The Spotify double's own test credentials (its image's default command).
            "SPOTIFY_CLIENT_ID": "test-client-id",
            "SPOTIFY_CLIENT_SECRET": "test-client-secret",
        }
        self.ca = self.tmp / "ca.crt"

    # ------------------------------------------------------------------ set-up / tear-down
    def env(self) -> dict:
        node = engine.docker("node", "inspect", "self", "--format", "{{.Description.Hostname}}")
        return {
            **os.environ,
            "MUSICA_TAG": self.tag,
            "MUSICA_SECRET_PREFIX": self.name,
            "MUSICA_DATA_NODE": node.strip(),
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
        state = engine.docker("info", "--format", "{{.Swarm.LocalNodeState}}").strip()
        engine.log(f"swarm state before the test: {state}")
        if state == "inactive":
            if engine.run(["docker", "swarm", "init"], check=False).returncode != 0:  # several addresses
                engine.run(["docker", "swarm", "init", "--advertise-addr", "127.0.0.1"])
            self.created_swarm = True
        elif state != "active":
            raise engine.CommandFailed(f"this node's swarm state is {state!r}")

    def make_certificates(self) -> tuple[Path, Path]:
        """A local CA and a certificate for localhost signed by it (the proxy's tls secrets)."""
        names = ("site.key", "site.csr", "site.crt", "ca.key", "ext.cnf")
        key, csr, cert, ca_key, ext = (self.tmp / name for name in names)
        ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        new_key = "-newkey rsa:2048 -nodes"
        for command in (
            f"req -x509 {new_key} -days 2 -subj '/CN=musica test CA' -keyout {ca_key} -out {self.ca}",
            f"req {new_key} -subj /CN=localhost -keyout {key} -out {csr}",
            f"x509 -req -in {csr} -CA {self.ca} -CAkey {ca_key} -CAcreateserial -days 2 -extfile {ext}"
            f" -out {cert}",
        ):
            engine.run(["openssl", *shlex.split(command)], quiet=True)
        # Chromium trusts this one certificate by its public key's hash (it takes no CA file).
        pem = engine.run(["openssl", "x509", "-pubkey", "-noout", "-in", str(cert)], quiet=True).stdout
        der = base64.b64decode("".join(line for line in pem.splitlines() if "-----" not in line))
        self.spki = base64.b64encode(hashlib.sha256(der).digest()).decode()
        return cert, key

    def create_secrets(self) -> None:
        cert, key = self.make_certificates()
        env_file = self.tmp / "stack.env"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in self.values.items()))
        self.values["TLS_KEY"] = key.read_text().strip().splitlines()[1]  # a line of the key
        script = [str(ROOT / "deploy/swarm/secrets.sh"), "--from-env", str(env_file)]
        result = engine.run([*script, "--tls-cert", str(cert), "--tls-key", str(key)], env=self.env())
        engine.log(result.stdout.strip())
        env_file.unlink()

    def deploy(self) -> None:
        files = [part for path in STACK_FILES for part in ("-c", str(path))]
        command = ["docker", "stack", "deploy", "--resolve-image", "never", *files, self.name]
        engine.run(command, env=self.env(), timeout=300)

    def remove(self) -> None:
        """The stack, then (once its containers are gone) its volumes and secrets, then the swarm if
        this test made it. Only names of this stack are touched."""
        engine.run(["docker", "stack", "rm", self.name], check=False)
        label = f"label=com.docker.stack.namespace={self.name}"
        volumes = engine.docker("volume", "ls", "-q", "--filter", label).split()
        ours = f"label=org.musica.stack-secrets={self.name}"
        secret_ids = engine.docker("secret", "ls", "-q", "--filter", ours).split()

        def volumes_removed() -> bool:  # a volume goes a moment after its container
            if volumes:
                engine.docker("volume", "rm", *volumes, check=False)
            return not set(volumes) & set(engine.docker("volume", "ls", "-q").split())

        def containers_gone() -> bool:
            return not engine.containers(f"com.docker.stack.namespace={self.name}", stopped=True)

        for done, what in ((containers_gone, "stack containers"), (volumes_removed, f"volumes {volumes}")):
            try:
                wait_until(done, timeout=120, interval=2, message=f"{what} still there")
            except WaitTimeout as exc:
                engine.log(str(exc))
        if secret_ids:
            engine.run(["docker", "secret", "rm", *secret_ids], check=False)
        if self.created_swarm:
            engine.run(["docker", "swarm", "leave", "--force"], check=False)
        for path in self.tmp.iterdir():
            path.unlink()
        self.tmp.rmdir()

    # ------------------------------------------------------------------ services and tasks
    def service(self, name: str) -> str:
        return f"{self.name}_{name}"

    def inspect_service(self, name: str) -> dict:
        return json.loads(engine.docker("service", "inspect", self.service(name)))[0]

    def containers(self, name: str, stopped: bool = False) -> list[str]:
        """The service's running containers (and stopped ones, a rolling update's too, if asked)."""
        return engine.containers(f"com.docker.swarm.service.name={self.service(name)}", stopped=stopped)

    def healthy(self, name: str) -> list[str]:
        return [cid for cid in self.containers(name) if engine.health(cid) in ("healthy", "running")]

    def wait_healthy(self, name: str, count: int, timeout: float = 240) -> list[str]:
        labels = [f"com.docker.swarm.service.name={self.service(name)}"]
        return engine.wait_healthy(labels, count, timeout=timeout, details=lambda: self.ps(name))

    def ps(self, name: str) -> str:
        return engine.docker("service", "ps", "--no-trunc", self.service(name), check=False)

    def logs(self, name: str) -> str:
        """The logs of every container the service ran (`docker service logs` can hang on this engine
        once tasks are gone)."""
        return "\n".join(engine.logs(cid) for cid in self.containers(name, stopped=True))

    def psql(self, sql: str) -> str:
        (cid,) = self.containers("postgres")
        password = 'PGPASSWORD="$(cat /run/secrets/postgres_password)"'
        script = f'{password} psql -h 127.0.0.1 -U musica -d musica -Atc "$1"'
        return engine.docker("exec", cid, "sh", "-c", script, "psql", sql)

    def double_stats(self) -> dict:
        (cid,) = self.containers("spotify-double")
        return engine.fetch_inside(cid, "http://127.0.0.1:8080/_control/stats")

    # ------------------------------------------------------------------ HTTPS
    def curl(self, *args: str):
        command = ["curl", "-sS", "--max-time", "20", "--cacert", str(self.ca), *args]
        return engine.run(command, check=False, quiet=True)

    def http(self, method: str, path: str, **kwargs):
        """(status, JSON body or raw bytes, headers) of one request through the proxy."""
        kwargs.setdefault("timeout", 30)
        return engine.http(method, self.base_url + path, verify=str(self.ca), **kwargs)
