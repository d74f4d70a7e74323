"""Driver of scripts/bench: both services under gunicorn, the Spotify double, and wrk.

Starts music_service, three auth_services (ENRICHMENT_MODE sync, off, async + its runner),
each on a free port with its own SQLite database, with a fixed, printed gunicorn
configuration; then, after a warm-up, drives each scenario with wrk (scripts/lib/bench.lua)
at each concurrency level and prints a table: requests/s, p50/p95/p99 latency, errors
(non-2xx + socket errors) and, for the flows that reach music, the searches the Spotify
double received per distinct song. The full run writes docs/benchmarks.md; ``--json PATH``
also writes the results as JSON with named fields (what tests/bench reads).

``--quick`` runs the same scenarios for about a second each with small counts, only to prove
the benchmark still works: it fails on any error, on a song searched twice, on a note left
in the wrong state, but never on a time.

Traffic goes to 127.0.0.1 only; every run is bounded by wrk's duration.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import json
import os
import platform
import runpy
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.spotify_double import server as spotify_double_server  # noqa: E402
from tests.spotify_double.server import SpotifyDouble  # noqa: E402
from tests.support.http import Api  # noqa: E402
from tests.support.processes import auth_process, enrich_runner, music_process  # noqa: E402

LUA = Path(__file__).with_name("bench.lua")
DOC = ROOT / "docs" / "benchmarks.md"
DOC_START = "<!-- bench:start (written by scripts/bench; edit outside these markers) -->"
DOC_END = "<!-- bench:end -->"
MODES = ("sync", "off", "async")  # ENRICHMENT_MODE of the three auth_services
TUNABLES = (
    "DB_CONN_MAX_AGE",
    "ENRICH_CONCURRENCY",
    "ENRICH_BATCH_SIZE",
    "MUSIC_POOL_SIZE",
    "MUSIC_SESSION_MAX_REQUESTS",
    "MUSIC_BREAKER_THRESHOLD",
    "MUSIC_BREAKER_COOLDOWN",
    "SEARCH_CACHE_TTL",
)


@dataclass(frozen=True)
class Profile:
    name: str
    levels: tuple[int, ...]
    duration: int  # seconds of each measured wrk run
    warmup: int  # seconds of the warm-up run before each scenario
    warm_songs: int  # size of the already-searched song pool (scenarios 1 and 6)
    list_notes: int  # notes of the reader in scenario 5
    latency_ms: int  # the Spotify double's latency in the cache-cold scenarios
    drain_timeout: float  # how long to wait for the async runner to fill every note
    pair_rounds: int  # scenario 1 vs 3 in alternating rounds (target 1): rounds per level
    pair_seconds: int  # seconds of each scenario in each round


FULL = Profile("full", (1, 8, 32), 8, 2, 50, 1000, 80, 90.0, 6, 4)
QUICK = Profile("quick", (1, 8), 1, 0, 10, 1000, 10, 40.0, 1, 1)
# Target 1 of docs/benchmarks.md: a cache-warm note (1) at least this share of a note without music (3).
PAIR_TARGET = 0.8


@dataclass
class Run:
    key: str
    title: str
    conns: int
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    errors: int
    error_detail: str
    searches: int | None = None  # searches the double received during the run
    songs: int | None = None  # distinct songs among them
    cpu_ms: list[float | None] = field(default_factory=list)  # server CPU per request: auth, music
    # How evenly the auth workers shared this run: the least busy one's CPU over the busiest one's
    # (1.0 even; under BALANCED_SHARE, wrk's keep-alive connections sat mostly on one worker and the
    # row measures one process, not the service). None: auth not sampled, or a single worker.
    worker_share: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_text(self) -> str:
        return " + ".join("—" if ms is None else f"{ms:.1f}" for ms in self.cpu_ms) or "—"

    @property
    def per_song(self) -> str:
        if self.searches is None:
            return "—"
        if self.searches == 0:
            return "0 (all cached)"
        return f"{self.searches}/{self.songs} = {self.searches / self.songs:.2f}"


@dataclass
class Bench:
    profile: Profile
    args: argparse.Namespace
    workdir: Path
    double: SpotifyDouble
    runs: list[Run] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # observations for the report
    failures: list[str] = field(default_factory=list)  # correctness checks that failed
    drains: dict[str, dict] = field(default_factory=dict)  # async runner: how long it took to fill
    totals: dict[str, int] = field(default_factory=dict)  # Spotify searches across the whole run
    pairs: list[dict] = field(default_factory=list)  # scenario 1 vs 3 in alternating rounds, per level

    def check(self, ok: bool, message: str) -> None:
        print(("  ok: " if ok else "  FAILED: ") + message)
        if not ok:
            self.failures.append(message)


# -- helpers -------------------------------------------------------------------------------------


_T0 = time.monotonic()


def say(message: str) -> None:
    """A progress line, with the seconds since the bench started."""
    print(f"==> [{time.monotonic() - _T0:5.1f}s] {message}")


def normalise(query: str) -> str:
    """The music service's cache key folding (search.services.normalize_query)."""
    return " ".join(query.casefold().split())


def wrk(
    bench: Bench,
    url: str,
    *,
    conns: int,
    seconds: int,
    method: str = "GET",
    path: str = "/",
    token: str = "",
    songs: str = "none",
    prefix: str = "bench",
    pool: int = 1,
    where: str = "body",
    titles: tuple[str, ...] = (),
) -> dict:
    env = {
        "BENCH_LIST": "|".join(titles),
        **os.environ,
        "BENCH_METHOD": method,
        "BENCH_PATH": path,
        "BENCH_TOKEN": token,
        "BENCH_SONGS": songs,
        "BENCH_PREFIX": prefix,
        "BENCH_POOL": str(pool),
        "BENCH_WHERE": where,
    }
    threads = min(conns, bench.args.wrk_threads)
    command = [
        "wrk", "-t", str(threads), "-c", str(conns), "-d", f"{seconds}s", "--timeout", "10s",
        "-s", str(LUA), url,
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise RuntimeError(f"wrk gave no result (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")


def wrk_errors(result: dict) -> int:
    """Non-2xx answers plus socket errors and timeouts of one wrk run."""
    return sum(result[kind] for kind in ("non2xx", "connect", "read", "write", "timeout"))


def settle(bench: Bench, quiet: float = 0.3, limit: float = 2.0) -> None:
    """Wait until the double has seen no new search for ``quiet`` seconds (at most ``limit``)."""
    deadline = time.monotonic() + limit
    seen = len(bench.double.stats()["queries"])
    calm_since = time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - calm_since < quiet:
        time.sleep(0.05)
        now = len(bench.double.stats()["queries"])
        if now != seen:
            seen, calm_since = now, time.monotonic()


def group_cpu_ticks(service) -> dict[int, int]:
    """CPU ticks (user + system) used so far by each process of a service's process group: the
    gunicorn master (the group's leader) and its workers, by pid."""
    ticks: dict[int, int] = {}
    if service is None or service.proc is None or service.proc.poll() is not None:
        return ticks
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == service.proc.pid:  # pgrp: the group's leader is the gunicorn master
            ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks


def cpu_seconds(service) -> float:
    """CPU time (user + system) used so far by a service's process group: gunicorn and its workers.

    Less sensitive than req/s to other work on a shared machine: what one request costs the server.
    """
    return sum(group_cpu_ticks(service).values()) / os.sysconf("SC_CLK_TCK")


def measure(
    bench: Bench, key: str, title: str, url: str, *, counts_searches: bool, cpu=(None, None), **load
) -> list[Run]:
    """Warm up once, then one wrk run per concurrency level. ``cpu``: (auth, music) to sample."""
    profile = bench.profile
    warm_prefix = load.pop("warm_prefix", None)
    warm_load = dict(load, prefix=warm_prefix) if warm_prefix else load
    base_prefix = load.get("prefix", "bench")
    if profile.warmup:
        wrk(bench, url, conns=max(profile.levels), seconds=profile.warmup, **warm_load)
    settle(bench)
    runs = []
    for conns in profile.levels:
        before = len(bench.double.stats()["queries"])
        if load.get("songs") == "unique":
            load = dict(load, prefix=f"{base_prefix} c{conns}")  # new songs at every level
        cpu_before = [cpu_seconds(service) for service in cpu]
        workers_before = worker_cpu_ticks(cpu[0]) if cpu[0] else {}
        result = wrk(bench, url, conns=conns, seconds=profile.duration, **load)
        settle(bench)  # requests still in flight when wrk stopped belong to this run
        cpu_used = [cpu_seconds(service) - used for service, used in zip(cpu, cpu_before, strict=True)]
        workers_after = worker_cpu_ticks(cpu[0]) if cpu[0] else {}
        worker_used = [ticks - workers_before.get(pid, 0) for pid, ticks in workers_after.items()]
        queries = bench.double.stats()["queries"][before:]
        errors = wrk_errors(result)
        detail = ", ".join(
            [f"HTTP {code}: {n}" for code, n in sorted(result["statuses"].items())]
            + [f"{kind}: {result[kind]}" for kind in ("connect", "read", "write", "timeout") if result[kind]]
        )
        run = Run(
            key=key,
            title=title,
            conns=conns,
            requests=result["requests"],
            seconds=result["duration_us"] / 1e6,
            p50=result["p50_us"] / 1000,
            p95=result["p95_us"] / 1000,
            p99=result["p99_us"] / 1000,
            errors=errors,
            error_detail=detail,
            searches=len(queries) if counts_searches else None,
            songs=len({normalise(q) for q in queries}) if counts_searches else None,
            cpu_ms=[
                used * 1000 / result["requests"] if service and result["requests"] else None
                for service, used in zip(cpu, cpu_used, strict=True)
            ],
            worker_share=min(worker_used) / max(worker_used)
            if len(worker_used) > 1 and max(worker_used)
            else None,
        )
        runs.append(run)
        bench.runs.append(run)
        print(
            f"  {key:<3} c={conns:<3} {run.rps:8.1f} req/s  p50 {run.p50:7.1f}  p95 {run.p95:7.1f}  "
            f"p99 {run.p99:7.1f} ms  errors {errors}{' (' + detail + ')' if detail else ''}  "
            f"searches {run.per_song}  CPU ms/req {run.cpu_text}"
            + (f"  auth workers {run.worker_share:.2f}" if run.worker_share is not None else ""),
            flush=True,
        )
        if bench.profile.name == "quick":
            bench.check(errors == 0, f"{key} at {conns} connections: no errors ({detail or 'none'})")
            bench.check(run.requests > 0, f"{key} at {conns} connections: requests were answered")
    return runs


def http_get(url: str, timeout: float = 10, headers: dict | None = None) -> dict:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (http://127.0.0.1 only)
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return json.loads(response.read())


def db_counts(database: Path, like: str) -> dict[str, int]:
    """Enrichment states of the notes whose song starts with ``like`` (read straight from SQLite)."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=20)) as conn:
        rows = conn.execute(
            "SELECT enriquecimiento, COUNT(*) FROM notes_note WHERE cancion LIKE ? GROUP BY 1",
            (like + "%",),
        ).fetchall()
    return dict(rows)


def seed_notes(auth, username: str, count: int) -> None:
    """``count`` notes for one user, written with the ORM in one bulk insert (scenario 5's reader)."""
    code = (
        "from django.contrib.auth import get_user_model; from notes.models import Note; "
        f"u = get_user_model().objects.get(username={username!r}); "
        "Note.objects.bulk_create([Note(user=u, cancion=f'lista {i}', texto='nota ' * 20, "
        "enriquecimiento='ok', foto='https://i.scdn.co/image/x', titulo='t', artista='a', album='b') "
        f"for i in range({count})], batch_size=500)"
    )
    auth.manage("shell", "-c", code)


def gunicorn_config(service: str, workers: int | None, threads: int | None) -> dict[str, str]:
    """The workers/threads/keepalive a service will run with: its gunicorn.conf.py, read with the
    environment the bench gives it (WEB_CONCURRENCY/GUNICORN_THREADS only when set by a flag)."""
    env = {"WEB_CONCURRENCY": workers, "GUNICORN_THREADS": threads}
    env = {key: str(value) for key, value in env.items() if value is not None}
    saved = dict(os.environ)
    try:
        for key in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "REDIS_URL"):
            os.environ.pop(key, None)
        os.environ.update(env)
        conf = runpy.run_path(str(ROOT / f"{service}_project" / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {
        f"{service}_workers": str(conf["workers"]),
        f"{service}_threads": str(conf["threads"]),
        f"{service}_keepalive": str(conf.get("keepalive", 2)),
    }


def machine() -> dict[str, str]:
    def version(module: str) -> str:
        try:
            return __import__(module).__version__
        except (ImportError, AttributeError):
            return "?"

    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split(" [")[0]
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu model": cpu,
        "memory": memory,
        "os": platform.platform(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "django": version("django"),
        "gunicorn": version("gunicorn"),
        "sqlite": sqlite3.sqlite_version,
        "load generator": wrk_version.strip() or "wrk",
    }


# -- the run -------------------------------------------------------------------------------------


@dataclass
class Stack:
    """What the scenarios share: the running services, tokens and the warm song pool."""

    music: object
    sync: object
    off: object
    asyn: object
    tokens: dict[str, str]
    reader_token: str
    pool: list[str]
    music_env: dict
    runner: object  # the async auth's re-enrichment runner

    notes_post = {"method": "POST", "path": "/notas"}

    def runner_running(self) -> None:
        """Start the runner again if a drain stopped it (an async scenario needs it)."""
        if self.runner.proc is None or self.runner.proc.poll() is not None:
            self.runner.start()

    def warm_load(self) -> dict:
        return dict(self.notes_post, songs="pool", prefix="warm song", pool=len(self.pool))


def scenario_6(bench: Bench, st: Stack) -> None:
    say("6: music GET /search alone, cache warm")
    measure(
        bench,
        "6",
        "music GET /search, cache warm",
        st.music.url,
        counts_searches=True,
        cpu=(None, st.music),
        token=st.music.env["MUSIC_SERVICE_TOKEN"],  # music answers only auth_service's token
        path="/search",
        songs="pool",
        prefix="warm song",
        pool=len(st.pool),
        where="query",
    )


def scenario_1(bench: Bench, st: Stack) -> None:
    say("1: POST /notas, music cache warm (sync)")
    measure(
        bench,
        "1",
        "POST /notas, cache warm (sync)",
        st.sync.url,
        counts_searches=True,
        cpu=(st.sync, st.music),
        token=st.tokens["sync"],
        **st.warm_load(),
    )
    states = db_counts(st.sync.database, "warm song")
    bench.check(set(states) == {"ok"}, f"1: every warm-cache note was saved with its photo {states}")


def scenario_2(bench: Bench, st: Stack) -> None:
    latency = bench.profile.latency_ms
    say(f"2: POST /notas, every song new, double at {latency} ms (sync)")
    bench.double.configure(latency_ms=latency)
    measure(
        bench,
        "2",
        f"POST /notas, cache cold, Spotify {latency} ms (sync)",
        st.sync.url,
        counts_searches=True,
        cpu=(st.sync, st.music),
        token=st.tokens["sync"],
        songs="unique",
        prefix="cold sync",
        warm_prefix="cold sync warmup",
        **st.notes_post,
    )
    bench.double.configure(latency_ms=0)
    states = db_counts(st.sync.database, "cold sync")
    bench.check(set(states) == {"ok"}, f"2: every cold-cache note was saved with its photo {states}")


def scenario_3(bench: Bench, st: Stack) -> None:
    say("3: POST /notas, ENRICHMENT_MODE=off")
    measure(
        bench,
        "3",
        "POST /notas, enrichment off",
        st.off.url,
        counts_searches=True,
        cpu=(st.off, st.music),
        token=st.tokens["off"],
        songs="unique",
        prefix="off",
        **st.notes_post,
    )
    states = db_counts(st.off.database, "off")
    bench.check(set(states) == {"pendiente"}, f"3: enrichment off saved every note pendiente {states}")


def worker_cpu_ticks(service) -> dict[int, int]:
    """CPU ticks used so far by each of a service's workers (its process group but the master)."""
    return {pid: n for pid, n in group_cpu_ticks(service).items() if pid != service.proc.pid}


# A round is "balanced" when every auth worker did at least this share of the busiest one's work.
# wrk opens its connections in one burst and keep-alive pins each to the worker that accepted it:
# now and then one worker accepts (nearly) all of them and the other core idles, halving that
# round's notes/s whatever the scenario (tests: docs/benchmarks.md, "Reading the numbers").
BALANCED_SHARE = 0.25


def _pair_rate(rounds: list[dict], key: str) -> float:
    seconds = sum(r[f"scenario_{key}"]["seconds"] for r in rounds)
    return sum(r[f"scenario_{key}"]["requests"] for r in rounds) / seconds if seconds else 0.0


def _pair_ratio(rounds: list[dict]) -> float | None:
    """Scenario 1's notes/s over scenario 3's across ``rounds`` (None: no round, or 3 did nothing)."""
    base = _pair_rate(rounds, "3")
    return _pair_rate(rounds, "1") / base if rounds and base else None


def _pair_cpu_ms(rounds: list[dict], key: str) -> float | None:
    done = sum(r[f"scenario_{key}"]["requests"] for r in rounds)
    return sum(r[f"scenario_{key}"]["cpu_s"] for r in rounds) * 1000 / done if done else None


def scenario_1v3(bench: Bench, st: Stack) -> None:
    """Scenarios 1 and 3 again, in alternating rounds at each level above one connection: the ratio
    of their notes/s compares neighbours in time. Their rows above ran a minute or more apart, and
    outside load on a shared machine moves req/s by ±30 % in that time (docs/benchmarks.md). Each
    round also records how the auth workers shared the work (BALANCED_SHARE)."""
    profile = bench.profile
    loads = {
        "1": (st.sync, st.tokens["sync"], st.warm_load()),
        "3": (st.off, st.tokens["off"], dict(st.notes_post, songs="unique")),
    }
    for conns in [level for level in profile.levels if level > 1]:
        say(f"1v3: scenarios 1 and 3 in {profile.pair_rounds} alternating rounds at {conns} connections")
        rounds, errors = [], 0
        for n in range(profile.pair_rounds):
            order = ("1", "3") if n % 2 == 0 else ("3", "1")  # ABBA: a drift in load hits both alike
            this = {}
            for key in order:
                service, token, load = loads[key]
                if load.get("songs") == "unique":
                    load = dict(load, prefix=f"off pair c{conns} r{n}")
                searches_before = len(bench.double.stats()["queries"])
                ticks_before = worker_cpu_ticks(service)
                seconds = profile.pair_seconds
                result = wrk(bench, service.url, conns=conns, seconds=seconds, token=token, **load)
                settle(bench)
                ticks = worker_cpu_ticks(service)
                used = [ticks[pid] - ticks_before.get(pid, 0) for pid in ticks]
                errors += wrk_errors(result)
                errors += len(bench.double.stats()["queries"]) - searches_before  # none may search
                this[key] = {
                    "requests": result["requests"],
                    "seconds": result["duration_us"] / 1e6,
                    "cpu_s": sum(used) / os.sysconf("SC_CLK_TCK"),
                    "worker_share": min(used) / max(used) if used and max(used) else 0.0,
                }
            rps = {key: r["requests"] / r["seconds"] if r["seconds"] else 0.0 for key, r in this.items()}
            rounds.append(
                {
                    **{f"scenario_{key}": value for key, value in this.items()},
                    "ratio": rps["1"] / rps["3"] if rps["3"] else 0.0,
                    "balanced": all(r["worker_share"] >= BALANCED_SHARE for r in this.values()),
                }
            )
        balanced = [r for r in rounds if r["balanced"]]
        pair = {
            "conns": conns,
            "rounds": profile.pair_rounds,
            "seconds_each": profile.pair_seconds,
            "rps_1": _pair_rate(rounds, "1"),
            "rps_3": _pair_rate(rounds, "3"),
            "ratio": _pair_ratio(rounds) or 0.0,
            "balanced_rounds": len(balanced),
            "balanced_ratio": _pair_ratio(balanced),
            "round_ratios": [r["ratio"] for r in rounds],
            "round_detail": rounds,
            "cpu_ms_auth_1": _pair_cpu_ms(rounds, "1"),
            "cpu_ms_auth_3": _pair_cpu_ms(rounds, "3"),
            "errors": errors,
        }
        bench.pairs.append(pair)
        marks = ", ".join(f"{r['ratio']:.2f}{'' if r['balanced'] else '*'}" for r in rounds)
        balanced_text = f"{pair['balanced_ratio']:.2f}" if pair["balanced_ratio"] is not None else "—"
        print(
            f"  1v3 c={conns:<3} all rounds: 1 {pair['rps_1']:.1f} / 3 {pair['rps_3']:.1f} notes/s = "
            f"{pair['ratio']:.2f}; balanced rounds ({len(balanced)}): {balanced_text}; rounds {marks} "
            f"(* one worker did under {BALANCED_SHARE:.0%} of the other's work); errors or searches {errors}",
            flush=True,
        )
        bench.check(errors == 0, f"1v3 at {conns} connections: no error, no search ({errors})")


def scenario_5(bench: Bench, st: Stack) -> None:
    count = bench.profile.list_notes
    say(f"5: GET /notas (a page of 20), reader with {count:,} notes")
    page = Api(st.sync.url, token=st.reader_token).get("/notas").json()
    bench.check(
        page["count"] == count and len(page["results"]) == 20,
        f"5: the reader's first page has {len(page['results'])} of {page['count']} notes",
    )
    measure(
        bench,
        "5",
        f"GET /notas, page of 20 of {count:,}",
        st.sync.url,
        counts_searches=False,
        cpu=(st.sync, None),
        path="/notas",
        token=st.reader_token,
    )


def scenario_1a(bench: Bench, st: Stack) -> None:
    # ENRICHMENT_MODE=async: saved "pendiente" at once, the runner fills the notes in.
    say("1a: POST /notas, music cache warm (async)")
    st.runner_running()
    measure(
        bench,
        "1a",
        "POST /notas, cache warm (async)",
        st.asyn.url,
        counts_searches=True,
        cpu=(st.asyn, st.music),
        token=st.tokens["async"],
        **st.warm_load(),
    )
    drain(bench, st, "warm song", "1a")


def scenario_2a(bench: Bench, st: Stack) -> None:
    latency = bench.profile.latency_ms
    say(f"2a: POST /notas, every song new, double at {latency} ms (async)")
    bench.double.configure(latency_ms=latency)
    st.runner_running()
    measure(
        bench,
        "2a",
        f"POST /notas, cache cold, Spotify {latency} ms (async)",
        st.asyn.url,
        counts_searches=True,
        cpu=(st.asyn, st.music),
        token=st.tokens["async"],
        songs="unique",
        prefix="cold async",
        warm_prefix="cold async warmup",
        **st.notes_post,
    )
    drain(bench, st, "cold async", "2a")
    bench.double.configure(latency_ms=0)


def scenario_4(bench: Bench, st: Stack) -> None:
    say("4: POST /notas while music_service is stopped (sync)")
    st.music.stop()
    measure(
        bench,
        "4",
        "POST /notas, music stopped (sync)",
        st.sync.url,
        counts_searches=True,
        cpu=(st.sync, None),
        token=st.tokens["sync"],
        songs="unique",
        prefix="down",
        **st.notes_post,
    )
    states = db_counts(st.sync.database, "down")
    bench.check(set(states) == {"pendiente"}, f"4: music stopped, every note saved pendiente {states}")


# Offline-catalog songs the keyless scenarios search for (each must match, or the chain's answer is
# an incomplete 503 while Deezer and iTunes are unreachable).
CATALOG_TITLES = (
    "Bohemian Rhapsody", "Imagine", "Bésame mucho", "La Bamba", "Despacito", "Hotel California",
    "Billie Jean", "Malamente", "Gracias a la vida", "Smells Like Teen Spirit", "Here Comes the Sun",
    "Corazón partío", "Ojalá que llueva café", "La vida es un carnaval", "Hey Jude", "Wonderwall",
)  # fmt: skip


def keyless_scenario(bench: Bench, st: Stack, key: str, title: str, providers: str) -> None:
    """music /search with the result cache off, so every search walks the provider chain."""
    say(f"{key}: {title}")
    unreachable = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused
    music = music_process(
        st.music.log_path.parent,
        name=f"music-{key}",
        MUSIC_PROVIDERS=providers,
        DEEZER_API_URL=unreachable,
        ITUNES_API_URL=unreachable,
        SEARCH_CACHE_TTL="0",
        **st.music_env,
    )
    with music:
        measure(
            bench,
            key,
            title,
            music.url,
            counts_searches=False,
            cpu=(None, music),
            token=music.env["MUSIC_SERVICE_TOKEN"],
            path="/search",
            songs="list",
            titles=CATALOG_TITLES,
            where="query",
        )


def scenario_7(bench: Bench, st: Stack) -> None:
    keyless_scenario(bench, st, "7", "music GET /search, no cache, offline catalog alone", "offline")


def scenario_7k(bench: Bench, st: Stack) -> None:
    title = "music GET /search, no cache, deezer,itunes unreachable → offline"
    keyless_scenario(bench, st, "7k", title, "deezer,itunes,offline")


# In this order: scenario 4 stops music, so it comes last.
SCENARIOS = {
    "6": scenario_6,
    "1": scenario_1,
    "2": scenario_2,
    "3": scenario_3,
    "1v3": scenario_1v3,
    "5": scenario_5,
    "1a": scenario_1a,
    "2a": scenario_2a,
    "7": scenario_7,
    "7k": scenario_7k,
    "4": scenario_4,
}


def run_all(bench: Bench, config: dict, only: list[str]) -> None:
    profile, double, workdir = bench.profile, bench.double, bench.workdir
    logs = workdir / "logs"
    logs.mkdir()
    # Always the resolved values, so a WEB_CONCURRENCY in the caller's shell cannot leak in.
    music_env = {
        "WEB_CONCURRENCY": config["music_workers"],
        "GUNICORN_THREADS": config["music_threads"],
        "REDIS_URL": "",  # the local-memory cache, whatever the caller's shell says
        "LOG_LEVEL": "INFO",
    }
    auth_env = {
        "WEB_CONCURRENCY": config["auth_workers"],
        "GUNICORN_THREADS": config["auth_threads"],
        "JWT_ACCESS_MINUTES": "120",
        # One user per mode writes hundreds of notes: the per-user write limit would answer 429.
        "NOTES_WRITE_RATE": "off",
        "REDIS_URL": "",
        "LOG_LEVEL": "INFO",
    }
    with contextlib.ExitStack() as stack:
        say("starting music_service, auth_service ×3 (sync, off, async), the async runner")
        music = music_process(logs, spotify=double, **music_env)
        stack.enter_context(music)

        def start_auth(mode: str):
            database = workdir / f"notas-{mode}.db"
            service = auth_process(
                logs,
                name=f"auth-{mode}",
                database_url=f"sqlite:///{database}",
                music_url=music.url,
                ENRICHMENT_MODE=mode,
                **auth_env,
            )
            service.database = database
            return service

        # Migrating and starting the three take a few seconds each: in parallel.
        with ThreadPoolExecutor(max_workers=3) as pool:
            services = dict(zip(MODES, pool.map(start_auth, MODES), strict=True))
            for service in services.values():
                stack.callback(service.stop)  # a no-op for one that never started
            list(pool.map(lambda service: service.start(), services.values()))
        runner = stack.enter_context(enrich_runner(services["async"], interval=0.5))
        say("services up; registering users, seeding the reader's notes")

        # Users (a password hash each: slow on purpose) and the reader's notes, in parallel.
        with ThreadPoolExecutor(max_workers=4) as pool:
            logins = {
                mode: pool.submit(lambda s, m: Api(s.url).register_and_login(f"bench_{m}"), service, mode)
                for mode, service in services.items()
            }
            reader = Api(services["sync"].url).register_and_login("bench_reader")
            seeded = pool.submit(seed_notes, services["sync"], "bench_reader", profile.list_notes)
            tokens = {mode: login.result().token for mode, login in logins.items()}
            seeded.result()

        say("warming the song pool")
        # The warm pool: songs already searched once, so music answers them from its cache.
        pool = [f"warm song {i}" for i in range(profile.warm_songs)]
        for song in pool:
            query = urllib.parse.urlencode({"q": song, "limit": 1})
            assert http_get(f"{music.url}/search?{query}", headers=music.service_auth)["results"], song
        warmed = len(double.stats()["queries"])
        bench.check(warmed == len(pool), f"warming searched each of {len(pool)} pool songs once ({warmed})")

        st = Stack(
            music=music,
            sync=services["sync"],
            off=services["off"],
            asyn=services["async"],
            tokens=tokens,
            reader_token=reader.token,
            pool=pool,
            music_env=music_env,
            runner=runner,
        )
        for key, scenario in SCENARIOS.items():
            if not only or key in only:
                scenario(bench, st)

    # Across the whole run, each distinct song reached the double exactly once.
    per_song = collections.Counter(normalise(q) for q in double.stats()["queries"])
    twice = {song: n for song, n in per_song.items() if n > 1}
    bench.check(
        not twice,
        f"the double received exactly one search per distinct song: {sum(per_song.values())} searches "
        f"for {len(per_song)} songs" + (f"; repeated: {dict(list(twice.items())[:5])}" if twice else ""),
    )
    bench.totals = {"searches": sum(per_song.values()), "songs": len(per_song), "repeated": len(twice)}


def drain(bench: Bench, st: Stack, prefix: str, key: str) -> None:
    """Wait for the async runner to fill every note of this scenario; record how long it took.

    If the bounded wait ends with notes still pending, the runner is stopped (and started again by
    the next async scenario): left running, it would keep filling them beside the scenarios that
    follow, on the same cores and the same music_service."""
    auth = st.asyn
    started = time.monotonic()
    searches_before = len(bench.double.stats()["queries"])
    deadline = started + bench.profile.drain_timeout
    states = db_counts(auth.database, prefix)
    pending_at_end = states.get("pendiente", 0)
    while states.get("pendiente", 0) and time.monotonic() < deadline:
        time.sleep(0.2)
        states = db_counts(auth.database, prefix)
    elapsed = time.monotonic() - started
    total = sum(states.values())
    left = states.get("pendiente", 0)
    filled = pending_at_end - left
    rate = filled / elapsed if elapsed > 0.05 else None
    message = (
        f"{key}: {total} notes saved; {pending_at_end} still pendiente when the load stopped; "
        + (
            f"the runner filled them in {elapsed:.1f} s"
            if not left
            else f"{left} still pendiente after {elapsed:.0f} s (bounded wait)"
        )
        + (f" ({rate:.0f} notes/s)" if rate else "")
        + f"; {len(bench.double.stats()['queries']) - searches_before} Spotify searches while draining"
    )
    if left:
        st.runner.stop()
        message += "; the runner was stopped so that it does not run beside the next scenarios"
    print("  " + message)
    bench.notes.append(message)
    bench.drains[key] = {
        "total": total,
        "pending": pending_at_end,
        "left": left,
        "seconds": elapsed,
        "runner_stopped": bool(left),
    }
    if bench.profile.name == "quick":
        bench.check(left == 0 and set(states) <= {"ok"}, f"{key}: the runner filled every note {states}")


# -- the report ----------------------------------------------------------------------------------


def fmt_rps(run: Run) -> str:
    return f"{run.rps:.0f}" if run.rps >= 10 else f"{run.rps:.1f}"


def table(runs: list[Run]) -> list[str]:
    lines = [
        "| # | scenario | conns | req/s | p50 ms | p95 ms | p99 ms | errors "
        "| Spotify searches / distinct songs | CPU ms/req auth + music |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    for run in runs:
        errors = str(run.errors) + (f" ({run.error_detail})" if run.error_detail else "")
        lines.append(
            f"| {run.key} | {run.title} | {run.conns} | {fmt_rps(run)} | {run.p50:.1f} | {run.p95:.1f} | "
            f"{run.p99:.1f} | {errors} | {run.per_song} | {run.cpu_text} |"
        )
    return lines


def side_by_side(bench: Bench) -> list[str]:
    by = {(run.key, run.conns): run for run in bench.runs}
    lines = [
        "| workload | conns | sync req/s | async req/s | sync p50 / p99 ms | async p50 / p99 ms |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for sync_key, async_key, label in (("1", "1a", "cache warm"), ("2", "2a", "cache cold")):
        for conns in bench.profile.levels:
            s, a = by.get((sync_key, conns)), by.get((async_key, conns))
            if s and a:
                lines.append(
                    f"| {label} | {conns} | {fmt_rps(s)} | {fmt_rps(a)} | {s.p50:.1f} / {s.p99:.1f} | "
                    f"{a.p50:.1f} / {a.p99:.1f} |"
                )
    return lines


def target_rows(bench: Bench) -> list[dict]:
    """Each target with what was measured and whether it was met (for the Markdown and the JSON)."""
    top = max(bench.profile.levels)
    cores = os.cpu_count() or 1
    by = {(run.key, run.conns): run for run in bench.runs}
    rows: list[dict] = []

    def row(name: str, measured: str, ok: bool, miss: str, why: str = "") -> None:
        verdict = "met" if ok else "missed " + miss
        rows.append({"target": name, "measured": measured, "met": ok, "verdict": verdict, "why": why})

    def cpu(run: Run) -> float:
        return sum(ms for ms in run.cpu_ms if ms)

    s1, s4 = by.get(("1", top)), by.get(("4", top))
    for pair in bench.pairs:
        conns = pair["conns"]
        s1c, s3c = by.get(("1", conns)), by.get(("3", conns))
        apart = (
            f"; their rows above, measured minutes apart: {fmt_rps(s1c)} / {fmt_rps(s3c)} = "
            f"{s1c.rps / s3c.rps:.2f}"
            if s1c and s3c and s3c.rps
            else ""
        )
        rounds = ", ".join(
            f"{r['ratio']:.2f}{'' if r['balanced'] else '*'}" for r in pair.get("round_detail", [])
        )
        # The verdict counts the rounds where both auth workers had work in both scenarios; when no
        # round was balanced, all of them.
        judged = pair["balanced_ratio"] if pair.get("balanced_ratio") is not None else pair["ratio"]
        row(
            f"scenario 1 ≥ {PAIR_TARGET} × scenario 3 at {conns} connections (alternating rounds)",
            f"**{judged:.2f}** over the {pair['balanced_rounds']} balanced rounds of {pair['rounds']} × "
            f"{pair['seconds_each']} s each; all rounds {pair['rps_1']:.0f} / {pair['rps_3']:.0f} notes/s = "
            f"{pair['ratio']:.2f} (rounds: {rounds}; * a worker did under {BALANCED_SHARE:.0%} of the "
            f"other's work){apart}",
            judged >= PAIR_TARGET,
            f"by {PAIR_TARGET - judged:.2f}",
            f"auth CPU ms per note: {pair['cpu_ms_auth_1']:.1f} (1) against {pair['cpu_ms_auth_3']:.1f} (3)"
            if pair["cpu_ms_auth_1"] and pair["cpu_ms_auth_3"]
            else "",
        )
    for run, limit in ((s1, 100), (s4, 50)):
        if not run:
            continue
        needed = top * 1000 / limit
        ceiling = cores * 1000 / cpu(run) if cpu(run) else 0
        why = (
            f"{top} closed-loop clients: mean latency = {top} / {fmt_rps(run)} req/s = "
            f"{top * 1000 / run.rps:.0f} ms; p99 < {limit} ms needs > {needed:.0f} req/s, and at "
            f"{cpu(run):.1f} server CPU ms a request {cores} cores give at most {ceiling:.0f} req/s "
            "with nothing else running (wrk and the other processes share them)"
            if run.rps
            else ""
        )
        row(
            f"p99 of scenario {run.key} < {limit} ms at {top}",
            f"{run.p99:.1f} ms",
            run.p99 < limit,
            f"by {run.p99 - limit:.0f} ms",
            why if run.p99 >= limit else "",
        )
    totals = bench.totals
    row(
        "exactly one Spotify search per distinct song",
        f"{totals['searches']} searches for {totals['songs']} songs",
        totals["repeated"] == 0,
        f"({totals['repeated']} songs searched more than once)",
    )
    rows.append(
        {
            "target": "`GET /notas`: constant number of SQL queries",
            "measured": "count + page (+ the token's user), whatever the page size",
            "met": True,
            "verdict": "met: asserted by `tests/auth/notes/test_views.py` (`django_assert_num_queries`)",
            "why": "",
        }
    )
    return rows


def targets(bench: Bench) -> list[str]:
    lines = ["| target | measured | verdict | why |", "|---|---|---|---|"]
    for row in target_rows(bench):
        lines.append(f"| {row['target']} | {row['measured']} | {row['verdict']} | {row['why']} |")
    return lines


def report(bench: Bench, config: dict, command: str, started: datetime, elapsed: float) -> str:
    profile = bench.profile
    out = [
        f"Run {started:%Y-%m-%d %H:%M} UTC, {elapsed:.0f} s, profile `{profile.name}`: levels "
        f"{', '.join(map(str, profile.levels))} connections, {profile.duration} s per level after a "
        f"{profile.warmup} s warm-up per scenario.",
        "",
        "Command:",
        "",
        "```",
        command,
        "```",
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in machine_info.items()],
        "",
        "### Configuration",
        "",
        "| | |",
        "|---|---|",
        f"| auth_service (×3: sync, off, async) | gunicorn gthread, {config['auth_workers']} workers × "
        f"{config['auth_threads']} threads, keepalive {config['auth_keepalive']} s, SQLite (WAL) |",
        f"| music_service | gunicorn gthread, {config['music_workers']} workers × {config['music_threads']} "
        "threads, local-memory cache |",
        f"| Spotify double | in the bench process; {profile.latency_ms} ms in scenarios 2/2a, else 0 ms |",
        f"| load generator | wrk, at most {bench.args.wrk_threads} thread(s), scripts/lib/bench.lua |",
        f"| warm song pool | {profile.warm_songs} songs searched once before scenario 6 |",
        "",
        "### Results",
        "",
        "errors = non-2xx answers + socket errors/timeouts (wrk, 10 s timeout). Spotify searches = searches "
        "the double received during that run, over the distinct songs among them. CPU ms/req = CPU time "
        "(user + system, from /proc) of the service's gunicorn processes per answered request: what a "
        "request costs, less sensitive than req/s to other work on a shared machine.",
        "",
        *table(bench.runs),
        "",
        "### ENRICHMENT_MODE sync vs async",
        "",
        *side_by_side(bench),
        "",
        *[f"- {note}" for note in bench.notes],
        "",
        "### Targets (ratios within this run)",
        "",
        *targets(bench),
        "",
    ]
    return "\n".join(out)


def results(bench: Bench, config: dict, command: str, started: datetime, elapsed: float) -> dict:
    """The run as data, every field named: what tests (and scripts) read instead of the Markdown."""
    return {
        "command": command,
        "started": started.isoformat(),
        "elapsed_s": round(elapsed, 1),
        "profile": dataclasses.asdict(bench.profile),
        "config": config,
        "machine": machine_info,
        "git": git_info(),
        "runs": [
            {
                **dataclasses.asdict(run),
                "rps": run.rps,
                # cpu_ms by name: CPU ms per answered request of each service (None: not sampled)
                "cpu_ms_auth": run.cpu_ms[0] if run.cpu_ms else None,
                "cpu_ms_music": run.cpu_ms[1] if len(run.cpu_ms) > 1 else None,
            }
            for run in bench.runs
        ],
        "drains": bench.drains,
        "totals": bench.totals,
        "pairs": bench.pairs,
        "targets": target_rows(bench),
        "notes": bench.notes,
        "failures": bench.failures,
    }


def write_doc(path: Path, body: str) -> None:
    text = path.read_text() if path.exists() else "# Benchmarks\n\n" + DOC_START + "\n" + DOC_END + "\n"
    if DOC_START not in text:
        text += "\n" + DOC_START + "\n" + DOC_END + "\n"
    head, rest = text.split(DOC_START, 1)
    tail = rest.split(DOC_END, 1)[1] if DOC_END in rest else ""
    path.write_text(head + DOC_START + "\n\n" + body + "\n" + DOC_END + tail)


# -- the before/after chart ----------------------------------------------------------------------

CHART = ROOT / "docs" / "img" / "bench.png"
SHORT_TITLES = {  # x-axis labels: the scenario tables' titles are too long for a chart
    "6": "6 music search",
    "1": "1 note, warm",
    "2": "2 note, Spotify 80 ms",
    "3": "3 enrichment off",
    "5": "5 GET /notas",
    "1a": "1a warm (async)",
    "2a": "2a cold (async)",
    "7": "7 search, catalog",
    "7k": "7k search, keyless",
    "4": "4 music stopped",
}
BEFORE_COLOUR, AFTER_COLOUR = "#9e9e9e", "#1f77b4"
# The chart's default: the notes scenarios (auth_service). Music's search alone (6, 7, 7k) answers
# several times faster and would flatten every other bar; `--chart-only all` draws it too.
CHART_SCENARIOS = ("1", "2", "3", "4", "5", "1a", "2a")


class ChartError(Exception):
    """A results file the chart cannot use: said in one line, never a traceback."""


def git_info() -> dict[str, str]:
    """Branch and short commit of this checkout (``+dirty`` when it has uncommitted changes)."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):  # no git (e.g. a container): no label
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if commit and git("status", "--porcelain", "--untracked-files=no"):
        commit += "+dirty"
    return {"branch": git("rev-parse", "--abbrev-ref", "HEAD"), "commit": commit}


def load_results(path: Path) -> dict:
    """A ``--json`` file, checked enough to draw it: runs with key, conns, rps (or requests/seconds), p99."""
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        raise ChartError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise ChartError(f"{path}: not JSON ({exc})") from exc
    runs = data.get("runs") if isinstance(data, dict) else None
    if not isinstance(runs, list) or not runs:
        raise ChartError(f"{path}: no runs (expected the file `scripts/bench --json PATH` writes)")
    for run in runs:
        if not isinstance(run, dict) or not {"key", "conns", "p99"} <= run.keys():
            raise ChartError(f"{path}: a run without key/conns/p99: {str(run)[:120]}")
        if "rps" not in run:
            seconds = run.get("seconds") or 0
            run["rps"] = run.get("requests", 0) / seconds if seconds else 0.0
    return data


def run_label(data: dict, default: str) -> str:
    """The legend of a results file: e.g. "before (main 42bc8f2)" when the run recorded its commit."""
    git = data.get("git") or {}
    where = " ".join(part for part in (git.get("branch"), git.get("commit")) if part)
    return f"{default} ({where})" if where else default


def draw_chart(
    before: dict,
    after: dict,
    out: Path,
    *,
    labels: tuple[str, str] | None = None,
    only: tuple[str, ...] | None = CHART_SCENARIOS,
) -> Path:
    """Two panels of grouped bars, before vs after, per scenario × connections: req/s (notes/s for
    the POST /notas scenarios) and p99 latency (log scale, from ~2 ms to seconds). PNG, Agg backend.
    ``only``: the scenarios to draw, in that order (None: every scenario of either run)."""
    import matplotlib

    matplotlib.use("Agg")  # no display: a file only
    import matplotlib.pyplot as plt

    labels = labels or (run_label(before, "before"), run_label(after, "after"))
    by_before = {(run["key"], run["conns"]): run for run in before["runs"]}
    by_after = {(run["key"], run["conns"]): run for run in after["runs"]}
    order: list[str] = []  # scenarios in the after-run's order, then any only the before-run has
    for run in [*after["runs"], *before["runs"]]:
        if run["key"] not in order:
            order.append(run["key"])
    if only is not None:
        order = [key for key in only if key in order]
    if not order:
        raise ChartError(f"no scenario to draw: none of {', '.join(only or ())} is in either run")
    titles = {run["key"]: run.get("title", run["key"]) for run in [*before["runs"], *after["runs"]]}
    slots: list[tuple[str, int, float]] = []  # (scenario, conns, x) with a gap between scenarios
    spans: list[tuple[str, float, float]] = []
    x = 0.0
    for key in order:
        levels = sorted({conns for (k, conns) in [*by_before, *by_after] if k == key})
        first = x
        for conns in levels:
            slots.append((key, conns, x))
            x += 1.0
        spans.append((key, first, x - 1.0))
        x += 0.7

    width = 0.4
    figure, (top, bottom) = plt.subplots(
        2, 1, figsize=(max(10.0, 0.42 * len(slots) + 2.0), 8.5), sharex=True, constrained_layout=True
    )
    panels = (
        (top, "rps", "requests/s (notes/s for POST /notas)", False),
        (bottom, "p99", "p99 latency, ms (log scale)", True),
    )
    for axis, field_name, ylabel, log in panels:
        for offset, runs, colour, label in (
            (-width / 2, by_before, BEFORE_COLOUR, labels[0]),
            (width / 2, by_after, AFTER_COLOUR, labels[1]),
        ):
            present = [(x, runs[(key, conns)]) for key, conns, x in slots if (key, conns) in runs]
            xs = [x + offset for x, _ in present]
            ys = [max(float(run[field_name]), 0.01) for _, run in present]  # > 0 for the log scale
            axis.bar(xs, ys, width, color=colour, label=label, zorder=2)
        if field_name == "rps":  # the ratio after / before over each pair: what changed, at a glance
            for key, conns, x in slots:
                old, new = by_before.get((key, conns)), by_after.get((key, conns))
                if old and new and old["rps"]:
                    height = max(old["rps"], new["rps"])
                    axis.annotate(
                        f"×{new['rps'] / old['rps']:.2f}", (x, height), textcoords="offset points",
                        xytext=(0, 2), ha="center", va="bottom", fontsize=6.5, color="#333333",
                    )  # fmt: skip
        if log:
            axis.set_yscale("log")
        axis.set_ylabel(ylabel)
        axis.grid(axis="y", color="#dddddd", zorder=0)
        axis.margins(y=0.12)
        for _, first, _last in spans[1:]:
            axis.axvline(first - 0.85, color="#cccccc", linewidth=0.8, zorder=1)

    def when(data: dict) -> str:
        config = data.get("config") or {}
        started = str(data.get("started", ""))[:16].replace("T", " ")
        threads = f"auth {config.get('auth_workers')}×{config.get('auth_threads')}" if config else ""
        parts = [part for part in (started, threads) if part]
        return f" [{', '.join(parts)}]" if parts else ""

    handles = top.get_legend_handles_labels()[0]
    figure.legend(
        handles,
        [labels[0] + when(before), labels[1] + when(after)],
        loc="outside upper center",
        ncol=2,
        fontsize=9,
        frameon=False,
    )
    top.set_title("Throughput per scenario and connection count (higher is better)", fontsize=10)
    bottom.set_title("p99 latency per scenario and connection count (lower is better)", fontsize=10)
    bottom.set_xticks([x for _, _, x in slots], [f"c{conns}" for _, conns, _ in slots], fontsize=7.5)
    scenarios = bottom.secondary_xaxis("bottom")  # a second row of labels, one per scenario
    scenarios.set_xticks(
        [(first + last) / 2 for _, first, last in spans],
        [SHORT_TITLES.get(key, f"{key} {titles[key]}") for key, _, _ in spans],
        fontsize=8.5,
    )
    scenarios.tick_params(length=0, pad=18)
    scenarios.spines["bottom"].set_visible(False)
    figure.supxlabel(
        "scripts/bench; c = wrk connections (closed loop). 2 shared cores: absolute numbers move ±50 % "
        "between runs, CPU ms per request (docs/benchmarks.md) much less.",
        fontsize=8,
        color="#555555",
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, format="png", dpi=110)
    plt.close(figure)
    return out


def comparison(before: dict, after: dict, labels: tuple[str, str]) -> list[str]:
    """The chart's numbers as a Markdown table, with CPU ms per request per service."""

    def cpu(run: dict | None) -> str:
        if not run:
            return "—"
        values = run.get("cpu_ms") or []
        return " + ".join("—" if ms is None else f"{ms:.1f}" for ms in values) or "—"

    def num(run: dict | None, name: str, digits: int = 0) -> str:
        return "—" if not run else f"{run[name]:.{digits}f}"

    by_before = {(run["key"], run["conns"]): run for run in before["runs"]}
    lines = [
        f"before = {labels[0]}, after = {labels[1]}. CPU ms/req: auth + music.",
        "",
        "| scenario | conns | req/s before | req/s after | after / before | p99 ms before | p99 ms after "
        "| CPU ms/req before | CPU ms/req after |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for new in after["runs"]:
        old = by_before.get((new["key"], new["conns"]))
        ratio = f"×{new['rps'] / old['rps']:.2f}" if old and old["rps"] else "—"
        lines.append(
            f"| {SHORT_TITLES.get(new['key'], new['key'])} | {new['conns']} | {num(old, 'rps')} | "
            f"{num(new, 'rps')} | {ratio} | "
            f"{num(old, 'p99', 1)} | {num(new, 'p99', 1)} | {cpu(old)} | {cpu(new)} |"
        )
    return lines


machine_info: dict[str, str] = {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="seconds-long run that only proves it works")
    for service in ("auth", "music"):
        for what, variable in (("workers", "WEB_CONCURRENCY"), ("threads", "GUNICORN_THREADS")):
            parser.add_argument(
                f"--{service}-{what}",
                type=int,
                help=f"{variable} for {service}_service (default: its gunicorn.conf.py's default)",
            )
    parser.add_argument("--latency-ms", type=int, help="the double's latency in the cache-cold scenarios")
    parser.add_argument("--duration", type=int, help="seconds per measured run")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument(
        "--only", default="", help=f"comma-separated scenarios to run (default all: {','.join(SCENARIOS)})"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help=f"markdown file to write (default: {DOC.relative_to(ROOT)} for a full run, none for --quick)",
    )
    parser.add_argument(
        "--json", type=Path, help="also write the results as JSON (named fields) to this file"
    )
    chart = parser.add_argument_group("before/after chart (PNG: req/s and p99 per scenario and connections)")
    chart.add_argument(
        "--chart",
        nargs=2,
        type=Path,
        metavar=("BEFORE.json", "AFTER.json"),
        help="draw the chart from two --json files and exit (no run, no wrk needed)",
    )
    chart.add_argument(
        "--before",
        type=Path,
        metavar="BEFORE.json",
        help="after this run, draw it against an earlier --json file (and add a before/after table)",
    )
    chart.add_argument(
        "--chart-out",
        type=Path,
        help=f"PNG to write (default: {CHART.relative_to(ROOT)}; with --quick, only when given)",
    )
    chart.add_argument(
        "--chart-only",
        default=",".join(CHART_SCENARIOS),
        help="comma-separated scenarios to draw, in that order, or `all` (default: %(default)s, the notes)",
    )
    chart.add_argument("--before-label", help='legend of the earlier run (default: "before (BRANCH COMMIT)")')
    chart.add_argument("--after-label", help='legend of the new run (default: "after (BRANCH COMMIT)")')
    args = parser.parse_args(argv)
    chart_only = None if args.chart_only == "all" else tuple(k for k in args.chart_only.split(",") if k)
    if args.chart:
        try:
            before, after = (load_results(path) for path in args.chart)
            labels = (
                args.before_label or run_label(before, "before"),
                args.after_label or run_label(after, "after"),
            )
            written = draw_chart(before, after, args.chart_out or CHART, labels=labels, only=chart_only)
        except ChartError as exc:
            parser.error(str(exc))
        say(f"wrote {written}")
        print("\n".join(comparison(before, after, labels)))
        return 0
    before_run = None
    if args.before:
        try:
            before_run = load_results(args.before)  # checked now, not after a ten-minute run
        except ChartError as exc:
            parser.error(str(exc))
    profile = QUICK if args.quick else FULL
    overrides = {}
    if args.latency_ms is not None:
        overrides["latency_ms"] = args.latency_ms
    if args.duration is not None:
        overrides["duration"] = args.duration
    if overrides:
        profile = Profile(**{**profile.__dict__, **overrides})
    config = {}
    for service in ("auth", "music"):
        config.update(
            gunicorn_config(service, getattr(args, f"{service}_workers"), getattr(args, f"{service}_threads"))
        )
    given = sys.argv[1:] if argv is None else argv
    # Settings the services read that a caller may set to compare (e.g. DB_CONN_MAX_AGE=0 for the
    # old SQLite behaviour): part of the exact command when set.
    overrides = [f"{name}={shlex.quote(os.environ[name])}" for name in TUNABLES if name in os.environ]
    command = " ".join([*overrides, "scripts/bench", *map(shlex.quote, given)])
    machine_info.update(machine())
    say(f"{command}  (profile {profile.name}: {profile})")
    print(
        f"==> configuration: auth {config['auth_workers']} workers × {config['auth_threads']} threads, "
        f"music {config['music_workers']} workers × {config['music_threads']} threads (gunicorn gthread)"
    )
    say("machine: " + "; ".join(f"{k}: {v}" for k, v in machine_info.items()))
    # The double writes a response's headers and body in two sends: with Nagle's algorithm on,
    # the client's delayed ACK held every search 40 ms longer (45 ms a search instead of 3 on an
    # idle double). Off, so that "Spotify at 80 ms" means 80 ms.
    spotify_double_server._Handler.disable_nagle_algorithm = True
    started = datetime.now(UTC)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="musica-bench-") as tmp, SpotifyDouble(synthesize=True) as double:
        bench = Bench(profile=profile, args=args, workdir=Path(tmp), double=double)
        try:
            run_all(bench, config, [k for k in args.only.split(",") if k])
        except Exception:
            for log in sorted((Path(tmp) / "logs").glob("*.log")):
                tail = log.read_text(errors="replace")[-2000:]
                print(f"--- {log.name} (tail)\n{tail}", file=sys.stderr)
            raise
    elapsed = time.monotonic() - began
    body = report(bench, config, command, started, elapsed)
    out = args.out or (None if args.quick else DOC)
    data = results(bench, config, command, started, elapsed)
    if before_run is not None:
        labels = (
            args.before_label or run_label(before_run, "before"),
            args.after_label or run_label(data, "after"),
        )
        chart_out = args.chart_out or (None if args.quick else CHART)
        section = ["### Before and after", ""]
        if chart_out:
            try:
                draw_chart(before_run, data, chart_out, labels=labels, only=chart_only)
            except ChartError as exc:  # e.g. --only and --chart-only share no scenario: keep the run
                print(f"  no chart: {exc}", file=sys.stderr)
            else:
                say(f"wrote {chart_out}")
                where = os.path.relpath(Path(chart_out).resolve(), (out or DOC).resolve().parent)
                section += [f"![req/s and p99 per scenario, before vs after]({where})", ""]
        body += "\n" + "\n".join([*section, *comparison(before_run, data, labels), ""])
    print()
    print(body)
    if out:
        write_doc(out, body)
        say(f"wrote {out}")
    if args.json:
        args.json.write_text(json.dumps(data, indent=2) + "\n")
        say(f"wrote {args.json}")
    if bench.failures:
        print(f"{profile.name}: FAILED ({len(bench.failures)} checks)", file=sys.stderr)
        for failure in bench.failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    print(f"{profile.name}: OK ({elapsed:.0f} s, {len(bench.runs)} runs, no failed checks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
