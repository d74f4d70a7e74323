"""scripts/bench: both services under gunicorn, the Spotify double, and wrk driving each scenario at
each connection level; a table of req/s, p50/p95/p99, errors, Spotify searches per distinct song and
server CPU per request. The full run writes docs/benchmarks.md; ``--quick`` (about a second per
scenario) only proves the benchmark still works and fails on any error, a song searched twice or a
note left in the wrong state, never on a time. Traffic goes to 127.0.0.1 only."""

import argparse
import json
import os
import shlex
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.spotify_double import server as spotify_double_server
from tests.spotify_double.server import SpotifyDouble

from . import chart, observability, report
from .scenarios import SCENARIOS, run_all
from .services import gunicorn_config
from .wrk import FULL, QUICK, Bench, say

# Settings the services read that a caller may set to compare (e.g. DB_CONN_MAX_AGE=0): part of the
# printed command when set.
TUNABLES = (
    "DB_CONN_MAX_AGE", "ENRICH_CONCURRENCY", "ENRICH_BATCH_SIZE", "MUSIC_POOL_SIZE",
    "MUSIC_SESSION_MAX_REQUESTS", "MUSIC_BREAKER_THRESHOLD", "MUSIC_BREAKER_COOLDOWN", "SEARCH_CACHE_TTL",
)  # fmt: skip


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split(";")[0])
    add = parser.add_argument
    add("--quick", action="store_true", help="seconds-long run that only proves it works")
    for service in ("auth", "music"):  # default: the service's gunicorn.conf.py
        add(f"--{service}-workers", type=int, help=f"WEB_CONCURRENCY of {service}_service")
        add(f"--{service}-threads", type=int, help=f"GUNICORN_THREADS of {service}_service")
    add("--latency-ms", type=int, help="the double's latency in the cache-cold scenarios")
    add("--duration", type=int, help="seconds per measured run")
    add("--wrk-threads", type=int, default=1)
    add("--only", default="", help=f"comma-separated scenarios (default all: {','.join(SCENARIOS)})")
    add("--out", type=Path, help="markdown file to write (default: docs/benchmarks.md; none for --quick)")
    add("--json", type=Path, help="also write the results as JSON (named fields) to this file")
    add(
        "--metrics",
        action="store_true",
        help="services with METRICS_TOKEN, scraped every 15 s (default: off)",
    )
    add(
        "--tracing", action="store_true", help="services exporting traces to a local OTLP sink (default: off)"
    )
    add = parser.add_argument_group("before/after chart (req/s and p99 per scenario)").add_argument
    add(
        "--chart", nargs=2, type=Path, metavar=("BEFORE.json", "AFTER.json"), help="only draw two --json runs"
    )
    add("--before", type=Path, metavar="BEFORE.json", help="draw this run against an earlier --json run")
    add("--chart-out", type=Path, help="PNG to write (default: docs/img/bench.png; none for --quick)")
    add(
        "--chart-only",
        default=",".join(chart.CHART_SCENARIOS),
        help="scenarios to draw, or `all` (%(default)s)",
    )
    add("--before-label", help='legend of the earlier run (default: "before (BRANCH COMMIT)")')
    add("--after-label", help='legend of the new run (default: "after (BRANCH COMMIT)")')
    args = parser.parse_args(argv)
    args.chart_only = None if args.chart_only == "all" else tuple(k for k in args.chart_only.split(",") if k)
    try:  # checked now, not after a ten-minute run
        args.chart = args.chart and [chart.load_results(path) for path in args.chart]
        args.before = args.before and chart.load_results(args.before)
    except chart.ChartError as exc:
        parser.error(str(exc))
    args.error = parser.error
    return args


def before_after(args, before: dict, after: dict, out: Path | None, md_out: Path | None) -> list[str]:
    """Draw the chart (unless ``out`` is None); its numbers as Markdown lines."""
    labels = (
        args.before_label or chart.run_label(before, "before"),
        args.after_label or chart.run_label(after, "after"),
    )
    lines = []
    if out:
        chart.draw_chart(before, after, out, labels=labels, only=args.chart_only)
        say(f"wrote {out}")
        if md_out:
            where = os.path.relpath(Path(out).resolve(), Path(md_out).resolve().parent)
            lines = [f"![req/s and p99 per scenario, before vs after]({where})", ""]
    return lines + chart.comparison(before, after, labels)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.chart:
        try:
            print("\n".join(before_after(args, *args.chart, args.chart_out or chart.CHART, None)))
        except chart.ChartError as exc:
            args.error(str(exc))
        return 0
    profile = QUICK if args.quick else FULL
    overrides = {"latency_ms": args.latency_ms, "duration": args.duration}
    profile = type(profile)(**{**profile.__dict__, **{k: v for k, v in overrides.items() if v is not None}})
    config = {}
    for name in ("auth", "music"):
        config.update(
            gunicorn_config(name, getattr(args, f"{name}_workers"), getattr(args, f"{name}_threads"))
        )
    given = sys.argv[1:] if argv is None else argv
    settings = [f"{name}={shlex.quote(os.environ[name])}" for name in TUNABLES if name in os.environ]
    command = " ".join([*settings, "scripts/bench", *map(shlex.quote, given)])
    machine = report.machine()
    say(f"{command}  (profile {profile})")
    say(
        f"auth {config['auth_workers']} workers × {config['auth_threads']} threads, "
        f"music {config['music_workers']} workers × {config['music_threads']} threads (gunicorn gthread)"
    )
    say("machine: " + "; ".join(f"{k}: {v}" for k, v in machine.items()))
    # The double writes a response's headers and body in two sends: with Nagle's algorithm on, the
    # client's delayed ACK held every search 40 ms longer. Off, so that "Spotify at 80 ms" means 80 ms.
    spotify_double_server._Handler.disable_nagle_algorithm = True
    started, began = datetime.now(UTC).isoformat(), time.monotonic()
    with tempfile.TemporaryDirectory(prefix="musica-bench-") as tmp, SpotifyDouble(synthesize=True) as double:
        bench = Bench(profile=profile, wrk_threads=args.wrk_threads, double=double)
        try:
            with observability.observed(bench, metrics=args.metrics, tracing=args.tracing) as observer:
                run_all(bench, config, Path(tmp), [k for k in args.only.split(",") if k], observer)
        except Exception:
            for log in sorted((Path(tmp) / "logs").glob("*.log")):
                print(f"--- {log.name} (tail)\n{log.read_text(errors='replace')[-2000:]}", file=sys.stderr)
            raise
    elapsed = time.monotonic() - began
    data = report.results(bench, config, command, started, elapsed, machine)
    body = report.markdown(bench, data)
    out = args.out or (None if args.quick else report.DOC)
    if args.before:
        try:
            png = args.chart_out or (None if args.quick else chart.CHART)
            lines = before_after(args, args.before, data, png, out)
        except chart.ChartError as exc:  # e.g. --only and --chart-only share no scenario: keep the run
            print(f"  no chart: {exc}", file=sys.stderr)
            lines = chart.comparison(args.before, data, ("before", "after"))
        body += "\n" + "\n".join(["### Before and after", "", *lines, ""])
    print("\n" + body)
    if out:
        report.write_doc(out, body)
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
