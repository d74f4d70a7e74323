"""The report: a Markdown section for docs/benchmarks.md (between its bench markers) and the same
run as JSON with named fields (what tests/bench and the chart read)."""

import contextlib
import dataclasses
import os
import platform
import sqlite3
import subprocess
from importlib.metadata import version
from pathlib import Path

from tests.support.processes import ROOT

from .scenarios import pair_text
from .wrk import Bench, Run

DOC = ROOT / "docs" / "benchmarks.md"
DOC_START = "<!-- bench:start (written by scripts/bench; edit outside these markers) -->"
DOC_END = "<!-- bench:end -->"
PAIR_TARGET = 0.8  # scenario 1v3: a cache-warm note at least this share of a note without music


def machine() -> dict[str, str]:
    def proc_line(path: str, prefix: str) -> str:
        with contextlib.suppress(OSError):
            for line in Path(path).read_text().splitlines():
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
        return "?"

    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split(" [")[0]
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu model": proc_line("/proc/cpuinfo", "model name"),
        "memory": proc_line("/proc/meminfo", "MemTotal"),
        "os": platform.platform(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "django": version("django"),
        "gunicorn": version("gunicorn"),
        "sqlite": sqlite3.sqlite_version,
        "load generator": wrk.strip() or "wrk",
    }


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


def fmt_rps(rps: float) -> str:
    return f"{rps:.0f}" if rps >= 10 else f"{rps:.1f}"


def target_rows(bench: Bench) -> list[dict]:
    """Each target with what was measured and whether it was met."""
    rows: list[dict] = []

    def row(target: str, measured: str, ok: bool, miss: str, why: str = "") -> None:
        verdict = "met" if ok else f"missed {miss}"
        rows.append({"target": target, "measured": measured, "met": ok, "verdict": verdict, "why": why})

    for pair in bench.pairs:
        # Judged on the rounds where both auth workers had work in both scenarios (all if none).
        judged = pair["ratio"] if pair["balanced_ratio"] is None else pair["balanced_ratio"]
        cpu = (pair["cpu_ms_auth_1"], pair["cpu_ms_auth_3"])
        row(
            f"scenario 1 ≥ {PAIR_TARGET} × scenario 3 at {pair['conns']} connections (alternating rounds)",
            f"**{judged:.2f}**; {pair['rounds']} rounds × {pair['seconds_each']} s, {pair_text(pair)}",
            judged >= PAIR_TARGET,
            f"by {PAIR_TARGET - judged:.2f}",
            f"auth CPU ms per note: {cpu[0]:.1f} (1) against {cpu[1]:.1f} (3)" if all(cpu) else "",
        )
    totals = bench.totals
    row(
        "exactly one Spotify search per distinct song",
        f"{totals['searches']} searches for {totals['songs']} songs",
        totals["repeated"] == 0,
        f"({totals['repeated']} songs searched more than once)",
    )
    return rows


def markdown(bench: Bench, data: dict) -> str:
    profile, config = bench.profile, data["config"]
    runs = ["| # | scenario | conns | req/s | p50 ms | p95 ms | p99 ms | errors "
            "| Spotify searches / distinct songs | CPU ms/req auth + music |",
            "|---|---|--:|--:|--:|--:|--:|--:|---|--:|"]  # fmt: skip
    for run in bench.runs:
        errors = str(run.errors) + (f" ({run.error_detail})" if run.error_detail else "")
        runs.append(
            f"| {run.key} | {run.title} | {run.conns} | {fmt_rps(run.rps)} | {run.p50:.1f} | {run.p95:.1f} | "
            f"{run.p99:.1f} | {errors} | {run.per_song} | {run.cpu_text} |"
        )
    targets = ["| target | measured | verdict | why |", "|---|---|---|---|"]
    targets += [f"| {t['target']} | {t['measured']} | {t['verdict']} | {t['why']} |" for t in data["targets"]]
    return "\n".join([
        f"Run {data['started'][:16].replace('T', ' ')} UTC, {data['elapsed_s']:.0f} s, profile "
        f"`{profile.name}`: levels {', '.join(map(str, profile.levels))} connections, {profile.duration} s "
        f"per level after a {profile.warmup} s warm-up per scenario.",
        "", "Command:", "", "```", data["command"], "```", "",
        "### Machine", "", "| | |", "|---|---|",
        *[f"| {key} | {value} |" for key, value in data["machine"].items()],
        "", "### Configuration", "", "| | |", "|---|---|",
        f"| auth_service (×3: sync, off, async) | gunicorn gthread, {config['auth_workers']} workers × "
        f"{config['auth_threads']} threads, keepalive {config['auth_keepalive']} s, SQLite (WAL) |",
        f"| music_service | gunicorn gthread, {config['music_workers']} workers × {config['music_threads']} "
        "threads, local-memory cache |",
        f"| Spotify double | in the bench process; {profile.latency_ms} ms in scenarios 2/2a, else 0 ms |",
        f"| load generator | wrk, at most {bench.wrk_threads} thread(s), scripts/lib/bench/bench.lua |",
        f"| warm song pool | {profile.warm_songs} songs searched once before the scenarios |",
        "", "### Results", "",
        "errors = non-2xx answers + socket errors/timeouts (wrk, 10 s timeout). Spotify searches = searches "
        "the double received during that run, over the distinct songs among them. CPU ms/req = CPU time "
        "(user + system, from /proc) of the service's gunicorn processes per answered request.",
        "", *runs, "", *[f"- {note}" for note in bench.notes],
        "", "### Targets (ratios within this run)", "", *targets, "",
    ])  # fmt: skip


def results(bench: Bench, config: dict, command: str, started: str, elapsed: float, machine: dict) -> dict:
    """The run as data, every field named."""

    def run_data(run: Run) -> dict:
        auth, music = [*run.cpu_ms, None, None][:2]
        return {**dataclasses.asdict(run), "rps": run.rps, "cpu_ms_auth": auth, "cpu_ms_music": music}

    return {
        "command": command,
        "started": started,
        "elapsed_s": round(elapsed, 1),
        "profile": dataclasses.asdict(bench.profile),
        "config": config,
        "machine": machine,
        "git": git_info(),
        "runs": [run_data(run) for run in bench.runs],
        "drains": bench.drains,
        "totals": bench.totals,
        "pairs": bench.pairs,
        "targets": target_rows(bench),
        "notes": bench.notes,
        "failures": bench.failures,
    }


def write_doc(path: Path, body: str) -> None:
    """Replace what is between the bench markers (added at the end when missing)."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if DOC_START not in text:
        text += "\n" + DOC_START + "\n" + DOC_END + "\n"
    head, rest = text.split(DOC_START, 1)
    tail = rest.split(DOC_END, 1)[1] if DOC_END in rest else ""
    path.write_text(head + DOC_START + "\n\n" + body + "\n" + DOC_END + tail)
