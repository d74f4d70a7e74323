"""scripts/bench --quick still works: every scenario answers without errors, the Spotify double
receives exactly one search per distinct song, and notes end in the expected state.

Only the benchmark's own correctness checks are asserted here, never a time: speed is what
the full `scripts/bench` run measures and records in docs/benchmarks.md.
"""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ("6", "1", "2", "3", "5", "1a", "2a", "4")


def test_bench_quick_runs_every_scenario_cleanly(tmp_path):
    out = tmp_path / "bench.md"
    done = subprocess.run(
        [str(ROOT / "scripts" / "bench"), "--quick", "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert "quick: OK" in done.stdout, output[-6000:]
    assert "FAILED" not in output, output[-6000:]

    report = out.read_text()
    rows = [line for line in report.splitlines() if re.match(r"\| \d+a? \| ", line)]
    for key in SCENARIOS:
        mine = [row for row in rows if row.startswith(f"| {key} | ")]
        assert len(mine) == 2, (key, mine)  # two concurrency levels in the quick profile
        for row in mine:
            cells = [cell.strip() for cell in row.strip("|").split("|")]
            assert int(cells[3]) > 0 or float(cells[3]) > 0, row  # req/s: something was answered
            assert cells[7] == "0", row  # no errors
            if key in ("2", "2a"):  # every song new: one search per song, none repeated
                searches, songs = re.match(r"(\d+)/(\d+) = 1\.00", cells[8]).groups()
                assert searches == songs and int(songs) > 0, row
            if key in ("1", "6", "1a", "3", "4"):  # cache warm, enrichment off, music down: none
                assert cells[8].startswith("0 "), row
    one_each = r"exactly one Spotify search per distinct song \| (\d+) searches for \1 songs \| met"
    assert re.search(one_each, report), report
    assert "the runner filled them in" in report
