"""Draws docs/img/prometheus-graph.png: Prometheus' own graph page, in Debian's headless Chromium,
after a short real run of both services (2 gunicorn workers each, the enrich runner, the Spotify
double) that it scraped every second with METRICS_TOKEN:

1. notes saved while Spotify answers: auth's lookups in music answered (new songs) and cache hits
   (songs sent again);
2. Spotify failing (503): the lookups are unavailable, the notes wait "pendiente" and the queue
   grows;
3. Spotify back: the runner fills the waiting notes and the queue drains to 0.

Prometheus is Debian's package unpacked into .tools/ (scripts/lib/install_test_tools.py), with the
Debian packages of its classic web UI's scripts unpacked beside it. Nothing is installed or started
on the machine; traffic stays on 127.0.0.1.

    scripts/prometheus-picture [--out PNG] [--phase-seconds N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.lib.install_test_tools import InstallFailed, ensure_prometheus  # noqa: E402
from tests.spotify_double.server import SpotifyDouble  # noqa: E402
from tests.support.http import Api  # noqa: E402
from tests.support.processes import ServiceProcess, auth_process, enrich_runner, music_process  # noqa: E402
from tests.support.tools import CHROMIUM_ARGS, PROMETHEUS, TOOLS, find_chromium  # noqa: E402
from tests.support.waiting import wait_until  # noqa: E402

OUT = ROOT / "docs" / "img" / "prometheus-graph.png"
# Where the prometheus package's classic UI expects Debian's JavaScript and fonts (its symlinks).
WEB = PROMETHEUS.parents[1] / "share" / "prometheus" / "web"
UI_PACKAGES = (
    "libjs-jquery", "libjs-bootstrap4", "libjs-d3", "libjs-eonasdan-bootstrap-datetimepicker",
    "libjs-jquery-hotkeys", "libjs-moment", "libjs-moment-timezone", "libjs-mustache",
    "libjs-popper.js", "libjs-rickshaw", "fonts-glyphicons-halflings",
)  # fmt: skip
# The panels of the picture: the queue, and auth's lookups in music by outcome.
PANELS = (
    "max(musica_notes_pending)",
    "sum by (outcome) (increase(musica_music_lookups_total[10s]))",
)
METRICS_TOKEN = secrets.token_urlsafe(32)


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def ensure_web_ui() -> None:
    """The JavaScript the classic UI links to (Debian's libjs-* packages), unpacked into the same
    .tools/prometheus/ tree so that its relative symlinks resolve."""
    if (WEB / "static" / "rickshaw").resolve().exists():
        return
    say(f"apt-get download {' '.join(UI_PACKAGES)}; dpkg -x into {TOOLS / 'prometheus'}")
    downloads = Path(tempfile.mkdtemp(prefix="prometheus-ui-", dir=TOOLS))
    try:
        result = subprocess.run(
            ["apt-get", "download", "-qq", *UI_PACKAGES],
            cwd=downloads,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            raise InstallFailed(f"apt-get download failed:\n{result.stderr[-2000:]}")
        for package in sorted(downloads.glob("*.deb")):
            unpacked = subprocess.run(
                ["dpkg", "-x", str(package), str(TOOLS / "prometheus")],
                capture_output=True,
                text=True,
                timeout=300,
            )
            if unpacked.returncode != 0:
                raise InstallFailed(f"dpkg -x {package.name} failed:\n{unpacked.stderr[-2000:]}")
    finally:
        shutil.rmtree(downloads, ignore_errors=True)


def prometheus_process(folder: Path, log_dir: Path, targets: dict[str, int]) -> ServiceProcess:
    token_file = folder / "metrics-token"
    token_file.write_text(METRICS_TOKEN)
    jobs = [
        {
            "job_name": job,
            "authorization": {"credentials_file": str(token_file)},
            "static_configs": [{"targets": [f"127.0.0.1:{port}"]}],
        }
        for job, port in targets.items()
    ]
    config = folder / "prometheus.yml"
    config.write_text(json.dumps({"global": {"scrape_interval": "1s"}, "scrape_configs": jobs}))
    prometheus = ServiceProcess("prometheus", "tests", {}, log_dir, health_path="/-/ready")
    prometheus.command = [
        str(PROMETHEUS),
        f"--config.file={config}",
        f"--storage.tsdb.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{prometheus.port}",
        f"--web.local-assets={WEB}",
    ]
    return prometheus


def scalar(prometheus: ServiceProcess, promql: str) -> float | None:
    answer = Api(prometheus.url).get("/api/v1/query?" + urlencode({"query": promql})).json()
    result = answer["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def send_notes(user: Api, seconds: float, numbers) -> None:
    """A note every 0.25 s for ``seconds``: each third one one of four songs sent again (cache hits)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        number = next(numbers)
        song = f"Imagine {number % 4}" if number % 3 == 2 else f"Canción {number}"
        created = user.post("/notas", json={"cancion": song, "texto": "gráfico"}, timeout=30)
        assert created.status_code == 201, created.text
        time.sleep(0.25)


def run(out: Path, phase_seconds: float) -> None:
    ensure_prometheus()
    ensure_web_ui()
    chromium = find_chromium()
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="prometheus-picture-")))
        logs = folder / "logs"
        logs.mkdir()
        double = stack.enter_context(SpotifyDouble(synthesize=True))
        both = {"METRICS_TOKEN": METRICS_TOKEN, "WEB_CONCURRENCY": "2"}
        say("starting music and auth (2 workers each), the enrich runner and Prometheus")
        music = stack.enter_context(music_process(logs, spotify=double, **both))
        auth = auth_process(
            logs,
            database_url=f"sqlite:///{folder / 'notas.db'}",
            music_url=music.url,
            NOTES_WRITE_RATE="off",
            ENRICH_MAX_BACKOFF="2",
            MUSIC_BREAKER_COOLDOWN="2",
            **both,
        )
        stack.enter_context(auth)
        runner = enrich_runner(auth)
        runner.env["ENRICH_METRICS_PORT"] = str(runner.port)
        stack.enter_context(runner)
        prometheus = stack.enter_context(
            prometheus_process(folder, logs, {"auth": auth.port, "music": music.port, "runner": runner.port})
        )
        wait_until(
            lambda: scalar(prometheus, "count(up == 1)") == 3,
            timeout=60,
            message=lambda: f"not every target up:\n{prometheus.logs()[-2000:]}",
        )
        user = Api(auth.url).register_and_login(f"grafico{secrets.token_hex(3)}")
        numbers = itertools.count()
        started = time.monotonic()
        say(f"notes for {phase_seconds:.0f} s with Spotify answering")
        send_notes(user, phase_seconds, numbers)
        say(f"notes for {phase_seconds:.0f} s with Spotify failing (503): the queue grows")
        double.configure(mode="503")
        send_notes(user, phase_seconds, numbers)
        say("Spotify back: the runner drains the queue")
        double.configure(mode="ok")
        send_notes(user, phase_seconds / 2, numbers)
        wait_until(
            lambda: scalar(prometheus, "max(musica_notes_pending)") == 0,
            timeout=120,
            interval=1,
            message=lambda: f"the queue did not drain: {scalar(prometheus, 'max(musica_notes_pending)')}",
        )
        time.sleep(10)  # the drained queue on the graph for a few scrapes
        shown = f"{int(time.monotonic() - started) + 20}s"
        params = {}
        for index, promql in enumerate(PANELS):  # the graph tab (0) of each panel, over the whole run
            params |= {f"g{index}.expr": promql, f"g{index}.tab": "0", f"g{index}.range_input": shown}
        say(f"drawing {out} in headless Chromium ({chromium})")
        draw(chromium, f"{prometheus.url}/graph?{urlencode(params)}", out)


def draw(chromium: str, url: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            # Each panel's chart is drawn (an SVG path per series) once its query answered.
            page.wait_for_function(
                f"document.querySelectorAll('.graph svg path').length >= {len(PANELS)}", timeout=30_000
            )
            page.wait_for_timeout(500)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/prometheus-picture", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="PNG to write (default: %(default)s)")
    parser.add_argument("--phase-seconds", type=float, default=30, help="length of each phase (default 30)")
    args = parser.parse_args(argv)
    run(args.out, args.phase_seconds)
    say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
