"""scripts/bench --chart: a PNG (checked by header and size, never pixels) and a table from two runs."""

import copy
import json

from tests.bench.scripts_bench import BEFORE, bench, png_size


def after_from(before: dict) -> dict:
    """Faster, a lower p99, one scenario more and one less than the trimmed real run it copies."""
    after = copy.deepcopy(before)
    after["git"] = {"branch": "p-chart", "commit": "abc1234"}
    for run in after["runs"]:
        run["rps"] *= 1.6
        run["p99"] /= 2
    after["runs"] = [run for run in after["runs"] if run["key"] != "5"]
    after["runs"] += [
        {**run, "key": "4", "title": "POST /notas, music stopped (sync)"}
        for run in after["runs"]
        if run["key"] == "1"
    ]
    return after


def test_chart_writes_a_png_from_two_json_files(tmp_path):
    before = json.loads(BEFORE.read_text())
    assert {run["key"] for run in before["runs"]} >= {"1", "2", "3", "5"}, "the fixture changed"
    after_path, out = tmp_path / "after.json", tmp_path / "img" / "bench.png"
    after_path.write_text(json.dumps(after_from(before)))

    done = bench("--chart", str(BEFORE), str(after_path), "--chart-out", str(out))

    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert out.is_file(), output[-4000:]  # its folder was made
    width, height = png_size(out)
    assert 800 <= width <= 4000 and 500 <= height <= 3000, (width, height)
    assert 20_000 < out.stat().st_size < 2_000_000, out.stat().st_size  # bars and text, not a blank
    # The same numbers as a table: the ratio per scenario and level, and CPU ms of both services.
    assert "before = before (main 42bc8f2), after = after (p-chart abc1234)" in done.stdout, output
    row_1_at_32 = next(line for line in done.stdout.splitlines() if line.startswith("| 1 note, warm | 32 |"))
    assert "×1.60" in row_1_at_32, row_1_at_32
    cpu = next(run["cpu_ms"] for run in before["runs"] if run["key"] == "1" and run["conns"] == 32)
    assert f"{cpu[0]:.1f} + {cpu[1]:.1f}" in row_1_at_32, row_1_at_32
    lines = done.stdout.splitlines()
    assert any(line.startswith("| 4 music stopped | 32 | — |") for line in lines), output  # only after


def test_chart_labels_and_scenarios_can_be_chosen(tmp_path):
    out = tmp_path / "bench.png"
    done = bench(
        "--chart", str(BEFORE), str(BEFORE), "--chart-out", str(out), "--chart-only", "all",
        "--before-label", "antes", "--after-label", "después",
    )  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert "before = antes, after = después" in done.stdout, done.stdout
    assert png_size(out)[0] >= 800


def test_chart_refuses_bad_input_in_one_line(tmp_path):
    not_json, no_runs = tmp_path / "not.json", tmp_path / "empty.json"
    not_json.write_text("<html>")
    no_runs.write_text(json.dumps({"runs": []}))
    cases = ((tmp_path / "missing.json", "cannot read it"), (not_json, "not JSON"), (no_runs, "no runs"))
    for before, message in cases:
        out = tmp_path / "never.png"
        done = bench("--chart", str(before), str(BEFORE), "--chart-out", str(out))
        assert done.returncode == 2, (before, done.stdout, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert not out.exists()
    out = tmp_path / "x.png"
    done = bench("--chart", str(BEFORE), str(BEFORE), "--chart-out", str(out), "--chart-only", "9z")
    assert done.returncode == 2 and "no scenario to draw" in done.stderr, done.stderr
