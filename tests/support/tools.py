"""External tools the tests only find: scripts/lib/install_test_tools.py installs them in one visible
step before pytest, and a missing one fails the test naming that command (never a skip)."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools"
NEWMAN_VERSION = "6.2.2"
NEWMAN = TOOLS / "node_modules" / ".bin" / "newman"
PROMETHEUS = TOOLS / "prometheus" / "usr" / "bin" / "prometheus"

# Which suites need which tool (scripts/lib/install_test_tools.py installs by this table).
NEEDED_BY = {"e2e": ("chromium", "newman", "prometheus"), "bench": ("wrk",), "swarm": ("chromium",)}

# Headless in a container: no sandbox (root), no GPU, nothing that reaches the network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip


class ToolUnavailable(RuntimeError):
    """The message says how to install the tool."""


def _missing(tool: str, found: str) -> ToolUnavailable:
    suite = next(suite for suite, tools in NEEDED_BY.items() if tool in tools)
    return ToolUnavailable(
        f"{tool} is not installed ({found}). The tests do not install tools; install it with "
        f"`python scripts/lib/install_test_tools.py {suite}` (scripts/test {suite} does this first)."
    )


def find_program(name: str) -> str:
    if found := shutil.which(name):
        return found
    raise _missing(name, "not on PATH")


def find_chromium() -> str:
    return find_program("chromium")


def _version(program: Path) -> str | None:
    """First line of ``program --version``, or None when it does not run."""
    try:
        result = subprocess.run([str(program), "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (result.stdout or result.stderr).splitlines()
    return lines[0].strip() if result.returncode == 0 and lines else None


def newman_version() -> str | None:
    return _version(NEWMAN)


def find_newman() -> Path:
    if (version := newman_version()) != NEWMAN_VERSION:
        raise _missing("newman", f"wanted {NEWMAN_VERSION} at {NEWMAN}, found {version or 'none'}")
    return NEWMAN


def prometheus_version() -> str | None:
    return _version(PROMETHEUS)


def find_prometheus() -> Path:
    if prometheus_version() is None:
        raise _missing("prometheus", f"nothing runnable at {PROMETHEUS}")
    return PROMETHEUS
