"""The container tier: the compose stack (docker-compose.yml + docker-compose.test.yml: keyless, music
asking the Deezer/iTunes doubles' container) checked from the outside, against a real Docker engine.

Run by ``scripts/test-docker`` (which installs the engine, builds the images, then runs pytest); the
stack comes up once per session (conftest.py). The tests run in file order and share the stack: the
notes the earlier ones save are counted again after `restart` and `down`/`up`, which come last.
"""

from __future__ import annotations

import contextlib
import re
import secrets

import pytest

from tests.docker.stack import ROOT
from tests.keyless_double.server import recorded, synthesize_deezer
from tests.support import containers as engine
from tests.support.waiting import WaitTimeout, wait_until

SCALE = 5
NOTES_WHEN_SCALED = 100
SERVICES = ("music_service", "auth_service", "enrich_runner")
SECRET_VARIABLES = ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_SERVICE_TOKEN")


def test_every_service_is_healthy_and_auth_answers(stack):
    for service in ("keyless-double", "music_service", "auth_service"):
        states = [engine.health(cid) for cid in stack.containers(service)]
        assert states == ["healthy"], f"{service}: {states}"
    status, body, _ = stack.http("GET", "/health")
    assert status == 200 and body == {"status": "ok"}, f"GET /health: {status} {body!r}"


def test_the_flow_through_the_published_port_gets_the_doubles_photo(stack, account):
    """register → login → POST /notas → 201 with the double's photo, via localhost:$AUTH_PORT."""
    before = stack.double_stats()["search_calls"]
    song = f"Zumbido Docker {secrets.token_hex(3)}"
    nota = account.create_note(song)
    assert nota["enriquecimiento"] == "ok", nota
    stats = stack.double_stats()
    assert stats["search_calls"] > before, f"the Deezer double saw no search (another source?): {stats}"
    query = next(q for q in reversed(stats["queries"]) if song.lower() in q.lower())
    template = recorded()["deezer"]["search"]["answer"]["data"][0]
    assert nota["foto"] == synthesize_deezer(query, template)["album"]["cover_xl"], "not the double's photo"
    assert account.note_count() == account.notes_created, "GET /notas does not list the new note"


def test_enrich_runner_enriches_a_note_saved_while_deezer_and_itunes_were_down(stack, account):
    """Deezer and iTunes down: the note is saved "pendiente"; back up: the runner enriches it."""
    song = f"Zumbido pendiente {secrets.token_hex(3)}"
    for api in ("deezer", "itunes"):
        stack.double_control("config", {"api": api, "mode": "503"})
    try:
        status, body, _ = stack.http("POST", "/notas", token=account.token, body={"cancion": song})
    finally:
        for api in ("deezer", "itunes"):
            stack.double_control("config", {"api": api, "mode": "ok"})
    assert status == 201 and body["nota"]["enriquecimiento"] == "pendiente" and body.get("aviso"), body
    account.notes_created += 1

    def enriched() -> bool:
        status, current, _ = stack.http("GET", f"/notas/{body['nota']['id']}", token=account.token)
        return status == 200 and current["enriquecimiento"] == "ok" and bool(current["foto"])

    wait_until(enriched, timeout=60, interval=1, message="enrich_runner did not enrich the note")


def test_static_files_are_served_by_whitenoise(stack):
    """whitenoise serves collectstatic output under gunicorn (DEBUG off)."""
    for path in ("/static/rest_framework/css/bootstrap.min.css", "/static/admin/css/base.css"):
        status, body, headers = stack.http("GET", path)
        assert status == 200 and "css" in headers["Content-Type"] and len(body) > 1000, (path, status)


def test_music_is_not_published_to_the_host(stack):
    """music_service publishes no port; auth reaches it by its alias on the internal network."""
    ids = stack.containers("music_service")
    assert ids, "no music_service container is running"
    for cid in ids:
        info = engine.inspect(cid)
        published = {p: b for p, b in (info["NetworkSettings"].get("Ports") or {}).items() if b}
        assert not info["HostConfig"].get("PortBindings") and not published, info["HostConfig"]
    (auth,) = stack.containers("auth_service")
    url = "http://music-service:5001/health"
    code = f"import urllib.request; print(urllib.request.urlopen({url!r}, timeout=5).status)"
    out = engine.docker("exec", auth, "python3", "-c", code)
    assert out.strip() == "200", f"auth could not reach {url}: {out!r}"


@pytest.mark.parametrize("service", ["auth_service", "music_service"])
def test_check_deploy_reports_no_error_inside_the_container(stack, service):
    """manage.py check --deploy inside the auth (and music) containers reports no error."""
    command = ["exec", "-T", service, "python", "manage.py", "check", "--deploy"]
    result = stack.run(*command, check=False, timeout=120)
    output = result.stdout + result.stderr
    warnings = sorted(set(re.findall(r"\((\w+\.W\d+)\)", output)))
    engine.log(f"{service} check --deploy: exit {result.returncode}, warnings {warnings}")
    assert result.returncode == 0 and "ERRORS:" not in output, output


def test_scaled_out_music_replicas_all_serve_searches(stack, account):
    """--scale music_service=5, 100 notes with different songs: every replica served some."""
    stack.run("up", "-d", "--no-build", "--scale", f"music_service={SCALE}")
    replicas = stack.wait_healthy("music_service", SCALE)
    stack.wait_healthy("auth_service", 1)

    before = {cid: engine.searches(cid) for cid in replicas}
    calls_before = stack.double_stats()["search_calls"]
    tag = secrets.token_hex(3)
    songs = [f"Cancion escalada {tag} numero {i:03d}" for i in range(NOTES_WHEN_SCALED)]
    # Distinct songs, or auth's HTTP cache would answer repeats without music. One after the other
    # (docker-compose.test.yml turns the per-user write limit off): Docker's DNS answers the replicas
    # in a random order, so a fresh connection per search spreads them (P(one gets none) ~ 5 * 0.8**100),
    # while a kept-alive pooled connection would pin every search to one replica.
    notes = [account.create_note(song) for song in songs]
    assert [n for n in notes if n["enriquecimiento"] != "ok"] == []
    served = {cid[:12]: engine.searches(cid) - before[cid] for cid in replicas}
    engine.log(f"searches served per music replica: {served}")
    assert stack.double_stats()["search_calls"] - calls_before >= NOTES_WHEN_SCALED
    assert all(served.values()), f"a music replica served no search (connections kept alive?): {served}"


def test_containers_run_as_non_root_and_are_hardened(stack):
    """Every process of every container runs as a non-root user; auth, music and the runner have no
    capabilities, no-new-privileges, CPU/memory/pids limits and a bounded restart policy."""
    ids = stack.containers()
    assert len(ids) >= 4, ids
    problems, hardened = [], set()
    for cid in ids:
        info = engine.inspect(cid)
        name, user, host = info["Name"].lstrip("/"), info["Config"].get("User") or "", info["HostConfig"]
        if user.split(":")[0] in {"", "0", "root"}:
            problems.append(f"{name}: image/config user is {user!r}")
        top = engine.docker("top", cid, "-eo", "uid,pid,args").splitlines()[1:]
        problems += [f"{name}: root process {line.strip()}" for line in top if line.split()[0] == "0"]
        service = info["Config"]["Labels"].get("com.docker.compose.service")
        if service not in SERVICES:
            continue  # the Deezer/iTunes double stands in for an outside API
        hardened.add(service)
        if [cap.upper() for cap in host.get("CapDrop") or []] not in (["ALL"], ["CAP_ALL"]):
            problems.append(f"{name}: CapDrop {host.get('CapDrop')}")
        if "no-new-privileges:true" not in (host.get("SecurityOpt") or []):
            problems.append(f"{name}: SecurityOpt {host.get('SecurityOpt')}")
        limits = ("Memory", "NanoCpus", "PidsLimit")
        problems += [f"{name}: no {key} limit" for key in limits if not (host.get(key) or 0) > 0]
        policy = host.get("RestartPolicy") or {}
        if policy.get("Name") != "on-failure" or not policy.get("MaximumRetryCount"):
            problems.append(f"{name}: restart policy {policy} (wanted on-failure:N)")
    assert hardened == set(SERVICES), hardened
    assert not problems, "\n  ".join(["containers running as root or not hardened:", *problems])


def test_enrich_runner_is_healthy_by_its_heartbeat(stack):
    """The runner touches a heartbeat file on every pass; its healthcheck reads the file's age."""
    (runner,) = stack.wait_healthy("enrich_runner", 1, timeout=150)
    heartbeat = ["/etc/musica/healthcheck.py", "--heartbeat", "/tmp/enrich-heartbeat"]
    check = ["docker", "exec", runner, "python3", *heartbeat]
    fresh = engine.run([*check, "10"], check=False, quiet=True)
    assert fresh.returncode == 0, f"the runner's heartbeat is not fresh: {fresh.stderr!r}"
    assert engine.run([*check, "0"], check=False, quiet=True).returncode != 0, "passes whatever its age"


def test_the_database_and_its_wal_files_are_owner_only(stack, account):
    """notas.db and its -wal/-shm files in the volume are 0600 (umask 077 in the entrypoint)."""
    account.note_count()  # the database is open: -wal/-shm exist
    (auth,) = stack.containers("auth_service")
    code = "import glob, os\nfor p in glob.glob('/data/notas.db*'): print(oct(os.stat(p).st_mode & 0o777), p)"
    out = engine.docker("exec", auth, "python3", "-c", code)
    modes = dict(reversed(line.split()) for line in out.splitlines())
    assert "/data/notas.db" in modes and set(modes.values()) == {"0o600"}, modes


@pytest.mark.parametrize(
    ("service", "key_name"), [("music_service", "MUSIC_DJANGO_SECRET_KEY"), ("auth_service", None)]
)
def test_env_example_placeholders_stop_the_image_at_start_and_it_stays_exited(stack, service, key_name):
    """An unedited .env (.env.example's values): each image exits at start naming the variable,
    and compose's restart policy leaves it exited (not restarting forever behind "unhealthy")."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    example = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    (cid,) = stack.containers(service)[:1]
    info = engine.inspect(cid)
    policy = info["HostConfig"]["RestartPolicy"]
    env = {**example, "DJANGO_DEBUG": "0"}
    if key_name:
        env["DJANGO_SECRET_KEY"] = example[key_name]
    name = f"{stack.project}-placeholder-{service}".replace("_", "-")
    args = [f"--restart={policy['Name']}:{policy['MaximumRetryCount']}", "--name", name]
    for key, value in env.items():
        args += ["-e", f"{key}={value}"]
    engine.docker("rm", "-f", name, check=False)
    engine.docker("run", "-d", *args, info["Config"]["Image"])

    def exited() -> bool:
        return engine.inspect(name)["State"]["Status"] == "exited"

    try:
        with contextlib.suppress(WaitTimeout):  # reported below, with its state and logs
            wait_until(exited, timeout=120, interval=2, message="still running")
        state, logs = engine.inspect(name)["State"], engine.logs(name)
        assert state["Status"] == "exited" and state["ExitCode"] != 0, (state, logs[-2000:])
        assert any(variable in logs for variable in SECRET_VARIABLES), logs
    finally:
        engine.docker("rm", "-f", name, check=False)


def test_the_images_hold_no_env_database_git_or_build_certificates(stack):
    """No .env, *.db, .git or build-time certificates inside the images."""
    images = {engine.inspect(cid)["Config"]["Image"] for cid in stack.containers()}
    finder = (
        "find / -xdev \\( -name .env -o -name '*.db' -o -name '*.sqlite3' -o -name .git"
        " -o -path /tmp/extra-certs -o -name ca-bundle.pem \\) -print 2>/dev/null || true"
    )
    for image in sorted(images):
        found = engine.docker("run", "--rm", "--entrypoint", "sh", image, "-c", finder).split()
        assert not found, f"{image} contains files that must not be in an image: {found}"


@pytest.mark.parametrize(
    "commands",
    [[("restart", "auth_service")], [("down",), ("up", "-d", "--no-build")]],
    ids=["restart", "down-up"],
)
def test_the_notes_survive_a_restart_and_down_up_without_v(stack, account, commands):
    """notas.db is on the named volume: `restart auth_service`, and `down` + `up`, keep every note."""
    assert account.note_count() == account.notes_created
    for command in commands:
        stack.run(*command, timeout=300)
        assert command != ("down",) or not stack.containers(), "containers still running after down"
    stack.wait_healthy("auth_service", 1)
    engine.wait_http_ok(f"{stack.base_url}/health", timeout=90)
    account.login()
    assert account.note_count() == account.notes_created
