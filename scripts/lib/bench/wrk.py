"""Running wrk: one closed-loop load (bench.lua describes the requests), and a scenario's rows
(warm-up, then one measured run per connection level, with the server CPU it cost)."""

import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cpu

LUA = Path(__file__).with_name("bench.lua")
_T0 = time.monotonic()


def say(message: str) -> None:
    """A progress line, with the seconds since the bench started."""
    print(f"==> [{time.monotonic() - _T0:5.1f}s] {message}", flush=True)


@dataclass(frozen=True)
class Profile:
    name: str
    levels: tuple[int, ...]  # wrk connections of each measured run
    duration: int  # seconds of each measured run
    warmup: int  # seconds of the warm-up run before each scenario
    warm_songs: int  # songs music has already answered (its cache warm)
    list_notes: int  # notes of the reader in scenario 5
    latency_ms: int  # the Spotify double's latency in the cache-cold scenarios
    drain_timeout: float  # how long to wait for the async runner to fill every note
    pair_rounds: int  # scenario 1v3: alternating rounds per level
    pair_seconds: int  # scenario 1v3: seconds of each scenario in each round


FULL = Profile("full", (1, 8, 32), 8, 2, 50, 1000, 80, 90.0, 6, 4)
QUICK = Profile("quick", (1, 8), 1, 0, 10, 1000, 10, 40.0, 1, 1)


@dataclass
class Run:
    """One row: a scenario at one connection level."""

    key: str
    title: str
    conns: int
    requests: int
    seconds: float
    p50: float  # ms
    p95: float
    p99: float
    errors: int  # non-2xx answers + socket errors and timeouts
    error_detail: str
    searches: int | None = None  # searches the Spotify double received during the run
    songs: int | None = None  # distinct songs among them
    cpu_ms: list[float | None] = field(default_factory=list)  # CPU ms per request: auth, music
    worker_share: float | None = None  # cpu.worker_share of auth (None: auth not sampled)

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
    """One benchmark run: its settings, the Spotify double, and what it found."""

    profile: Profile
    wrk_threads: int
    double: object  # tests.spotify_double.server.SpotifyDouble
    runs: list[Run] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # observations for the report
    failures: list[str] = field(default_factory=list)  # correctness checks that failed
    drains: dict[str, dict] = field(default_factory=dict)  # async runner: how long it took to fill
    totals: dict[str, int] = field(default_factory=dict)  # Spotify searches across the whole run
    pairs: list[dict] = field(default_factory=list)  # scenario 1v3, per level

    def check(self, ok: bool, message: str) -> None:
        print(("  ok: " if ok else "  FAILED: ") + message)
        if not ok:
            self.failures.append(message)

    def searches(self) -> list[str]:
        return self.double.stats()["queries"]

    def settle(self, quiet: float = 0.3, limit: float = 2.0) -> None:
        """Wait until the double has seen no new search for ``quiet`` s (at most ``limit``): requests
        still in flight when wrk stopped belong to the run that sent them."""
        calm_since = time.monotonic()
        deadline = calm_since + limit
        seen = len(self.searches())
        while time.monotonic() < deadline and time.monotonic() - calm_since < quiet:
            time.sleep(0.05)
            if len(self.searches()) != seen:
                seen, calm_since = len(self.searches()), time.monotonic()


def normalise(query: str) -> str:
    """The music service's cache key folding (search.services.normalize_query)."""
    return " ".join(query.casefold().split())


def wrk(bench: Bench, url: str, *, conns: int, seconds: int, titles: tuple[str, ...] = (), **load) -> dict:
    """One wrk run; ``load``: method, path, token, songs, prefix, pool, where (see bench.lua)."""
    env = {"BENCH_LIST": "|".join(titles), **os.environ}
    env.update({f"BENCH_{name.upper()}": str(value) for name, value in load.items()})
    command = [
        "wrk", "-t", str(min(conns, bench.wrk_threads)), "-c", str(conns), "-d", f"{seconds}s",
        "--timeout", "10s", "-s", str(LUA), url,
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise RuntimeError(f"wrk gave no result (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")


SOCKET_ERRORS = ("connect", "read", "write", "timeout")


def errors(result: dict) -> int:
    return result["non2xx"] + sum(result[kind] for kind in SOCKET_ERRORS)


def measure(bench: Bench, key: str, title: str, url: str, *, counts_searches: bool, cpu_of, **load) -> None:
    """Warm up once, then one wrk run per connection level. ``cpu_of``: (auth, music) to sample.
    ``songs="unique"`` gets a new prefix per level; ``warm_prefix`` is the warm-up's own."""
    profile = bench.profile
    warm_prefix = load.pop("warm_prefix", None)
    prefix = load.get("prefix", "bench")
    if profile.warmup:
        warm_load = dict(load, prefix=warm_prefix) if warm_prefix else load
        wrk(bench, url, conns=max(profile.levels), seconds=profile.warmup, **warm_load)
    bench.settle()
    for conns in profile.levels:
        if load.get("songs") == "unique":
            load["prefix"] = f"{prefix} c{conns}"  # new songs at every level
        searched_before = len(bench.searches())
        before = [cpu.ticks(service) for service in cpu_of]
        result = wrk(bench, url, conns=conns, seconds=profile.duration, **load)
        bench.settle()
        spent = [cpu.used(b, cpu.ticks(service)) for b, service in zip(before, cpu_of, strict=True)]
        queries = bench.searches()[searched_before:]
        detail = ", ".join(
            [f"HTTP {code}: {n}" for code, n in sorted(result["statuses"].items())]
            + [f"{kind}: {result[kind]}" for kind in SOCKET_ERRORS if result[kind]]
        )
        done = result["requests"]
        run = Run(
            key=key,
            title=title,
            conns=conns,
            requests=done,
            seconds=result["duration_us"] / 1e6,
            p50=result["p50_us"] / 1000,
            p95=result["p95_us"] / 1000,
            p99=result["p99_us"] / 1000,
            errors=errors(result),
            error_detail=detail,
            searches=len(queries) if counts_searches else None,
            songs=len({normalise(q) for q in queries}) if counts_searches else None,
            cpu_ms=[
                cpu.seconds(s) * 1000 / done if service and done else None
                for service, s in zip(cpu_of, spent, strict=True)
            ],
            worker_share=cpu.worker_share(cpu_of[0], spent[0]) if cpu_of[0] else None,
        )
        bench.runs.append(run)
        print(
            f"  {key:<3} c={conns:<3} {run.rps:8.1f} req/s  p50 {run.p50:7.1f}  p95 {run.p95:7.1f}  "
            f"p99 {run.p99:7.1f} ms  errors {run.errors}{f' ({detail})' if detail else ''}  "
            f"searches {run.per_song}  CPU ms/req {run.cpu_text}"
            + (f"  auth workers {run.worker_share:.2f}" if run.worker_share is not None else ""),
            flush=True,
        )
        if profile.name == "quick":
            bench.check(run.errors == 0, f"{key} at {conns} connections: no errors ({detail or 'none'})")
            bench.check(done > 0, f"{key} at {conns} connections: requests were answered")
