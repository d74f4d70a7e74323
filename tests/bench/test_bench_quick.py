"""scripts/bench --quick runs every scenario cleanly, one search per song; never a time (--json read)."""

import json

import pytest

from tests.bench.scripts_bench import BEFORE, bench, png_size
from tests.support.tools import find_program

SCENARIOS = ("6", "1", "2", "3", "5", "1a", "2a", "4")


@pytest.mark.timeout(420)  # scripts/bench --quick is given 300 s
def test_bench_quick_runs_every_scenario_cleanly(tmp_path):
    find_program("wrk")  # installed by scripts/test before pytest; a missing one fails here, clearly
    out, results, chart = tmp_path / "bench.md", tmp_path / "bench.json", tmp_path / "bench.png"
    files = ["--out", str(out), "--json", str(results), "--before", str(BEFORE), "--chart-out", str(chart)]
    done = bench("--quick", *files, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert "quick: OK" in done.stdout, output[-6000:]
    assert "FAILED" not in output, output[-6000:]

    report = json.loads(results.read_text())
    assert report["profile"]["name"] == "quick"
    assert report["failures"] == []
    runs = report["runs"]
    for key in SCENARIOS:
        mine = [run for run in runs if run["key"] == key]
        assert len(mine) == len(report["profile"]["levels"]) == 2, (key, mine)  # two levels in quick
        for run in mine:
            assert run["requests"] > 0 and run["rps"] > 0, run  # something was answered
            assert run["errors"] == 0 and run["error_detail"] == "", run  # no errors
            if key in ("2", "2a"):  # every song new: one search per song, none repeated
                assert run["searches"] == run["songs"] and run["songs"] > 0, run
            if key in ("1", "6", "1a", "3", "4"):  # cache warm, enrichment off, music down: none
                assert run["searches"] == 0, run
    one_each = next(
        t for t in report["targets"] if t["target"] == "exactly one Spotify search per distinct song"
    )
    assert one_each["met"] is True, one_each
    totals = report["totals"]
    assert totals["repeated"] == 0 and totals["searches"] == totals["songs"] > 0, totals
    drains = report["drains"]
    assert drains and all(d["left"] == 0 for d in drains.values()), drains  # the runner filled them in
    # Only a drain that ends with notes left stops the runner (so it does not run beside what follows).
    assert not any(d["runner_stopped"] for d in drains.values()), drains
    assert any("the runner filled them in" in note for note in report["notes"]), report["notes"]
    # The Markdown for docs is still written, with the same runs.
    assert out.read_text().count("\n| 2a | ") == len(report["profile"]["levels"])
    # CPU ms per request: auth's in every notes scenario, music's where it is reached.
    for run in runs:
        assert run["cpu_ms_auth"] == run["cpu_ms"][0] and run["cpu_ms_music"] == run["cpu_ms"][1], run
        if run["key"] in ("1", "2", "3", "5", "1a", "2a", "4"):
            assert run["cpu_ms_auth"] > 0, run
            # auth's two workers: how evenly they shared the row (the less busy over the busier).
            assert run["worker_share"] is not None and 0 <= run["worker_share"] <= 1, run
        else:
            assert run["worker_share"] is None, run  # auth not sampled (music alone)
        if run["key"] in ("6", "1", "2"):
            assert run["cpu_ms_music"] > 0, run
    # --before: the chart against the fixture run, and the before/after table under it.
    assert png_size(chart)[0] >= 800 and chart.stat().st_size > 20_000
    markdown = out.read_text()
    assert "### Before and after" in markdown and "](bench.png)" in markdown, markdown[-3000:]
    assert "\n| 1 note, warm | 8 | " in markdown.split("### Before and after", 1)[1]
    assert report["git"]["commit"], report["git"]
