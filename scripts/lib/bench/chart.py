"""The before/after chart (docs/img/bench.png) and its numbers as a Markdown table, from two runs'
JSON (``scripts/bench --json``), old ones included."""

import json
from pathlib import Path

from tests.support.processes import ROOT

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
RATIO_STYLE = {
    "textcoords": "offset points",
    "ha": "center",
    "va": "bottom",
    "fontsize": 6.5,
    "color": "#333",
}
# The default: the notes scenarios. Music's search alone (6, 7, 7k) answers several times faster
# and would flatten every other bar; `--chart-only all` draws it too.
CHART_SCENARIOS = ("1", "2", "3", "4", "5", "1a", "2a")


class ChartError(Exception):
    """A results file the chart cannot use: said in one line, never a traceback."""


def load_results(path: Path) -> dict:
    """A ``--json`` file, checked enough to draw it: runs with key, conns, rps and p99."""
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
        if not isinstance(run, dict) or not {"key", "conns", "rps", "p99"} <= run.keys():
            raise ChartError(f"{path}: a run without key/conns/rps/p99: {str(run)[:120]}")
    return data


def run_label(data: dict, default: str) -> str:
    """The legend of a results file: e.g. "before (main 42bc8f2)" when the run recorded its commit."""
    git = data.get("git") or {}
    where = " ".join(part for part in (git.get("branch"), git.get("commit")) if part)
    return f"{default} ({where})" if where else default


def draw_chart(before: dict, after: dict, out: Path, *, labels: tuple[str, str], only=CHART_SCENARIOS):
    """Two panels of grouped bars, before vs after, per scenario × connections: req/s (with the
    after / before ratio) and p99 latency (log scale). ``only``: the scenarios to draw, in that
    order (None: every scenario of either run)."""
    import matplotlib

    matplotlib.use("Agg")  # no display: a file only
    import matplotlib.pyplot as plt

    runs = {"before": {(r["key"], r["conns"]): r for r in before["runs"]}}
    runs["after"] = {(r["key"], r["conns"]): r for r in after["runs"]}
    order = list(dict.fromkeys(r["key"] for r in [*after["runs"], *before["runs"]]))
    if only is not None:
        order = [key for key in only if key in order]
    if not order:
        raise ChartError(f"no scenario to draw: none of {', '.join(only or ())} is in either run")
    titles = {r["key"]: r.get("title", r["key"]) for r in [*before["runs"], *after["runs"]]}
    slots: list[tuple[str, int, float]] = []  # (scenario, conns, x), a gap between scenarios
    spans: list[tuple[str, float, float]] = []
    x = 0.0
    for key in order:
        first = x
        for conns in sorted({c for (k, c) in [*runs["before"], *runs["after"]] if k == key}):
            slots.append((key, conns, x))
            x += 1.0
        spans.append((key, first, x - 1.0))
        x += 0.7

    width = 0.4
    figure, (top, bottom) = plt.subplots(
        2, 1, figsize=(max(10.0, 0.42 * len(slots) + 2.0), 8.5), sharex=True, constrained_layout=True
    )
    for axis, name, ylabel in (
        (top, "rps", "requests/s (notes/s for POST /notas)"),
        (bottom, "p99", "p99 latency, ms (log scale)"),
    ):
        for offset, which, colour, label in (
            (-width / 2, "before", BEFORE_COLOUR, labels[0]),
            (width / 2, "after", AFTER_COLOUR, labels[1]),
        ):
            present = [(x, runs[which][(k, c)]) for k, c, x in slots if (k, c) in runs[which]]
            ys = [max(float(run[name]), 0.01) for _, run in present]  # > 0 for the log scale
            axis.bar([x + offset for x, _ in present], ys, width, color=colour, label=label, zorder=2)
        axis.set_ylabel(ylabel)
        axis.grid(axis="y", color="#dddddd", zorder=0)
        axis.margins(y=0.12)
        for _, first, _last in spans[1:]:
            axis.axvline(first - 0.85, color="#cccccc", linewidth=0.8, zorder=1)
    bottom.set_yscale("log")
    for key, conns, x in slots:  # the ratio after / before over each pair: what changed, at a glance
        old, new = runs["before"].get((key, conns)), runs["after"].get((key, conns))
        if old and new and old["rps"]:
            ratio = f"×{new['rps'] / old['rps']:.2f}"
            top.annotate(ratio, (x, max(old["rps"], new["rps"])), xytext=(0, 2), **RATIO_STYLE)

    handles = top.get_legend_handles_labels()[0]
    figure.legend(handles, labels, loc="outside upper center", ncol=2, fontsize=9, frameon=False)
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
    """The chart's numbers as a Markdown table, with CPU ms per request of auth and music."""

    def cpu(run: dict | None) -> str:
        values = (run or {}).get("cpu_ms") or []
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
            f"{num(new, 'rps')} | {ratio} | {num(old, 'p99', 1)} | {num(new, 'p99', 1)} | "
            f"{cpu(old)} | {cpu(new)} |"
        )
    return lines
