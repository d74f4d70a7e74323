"""External tools the end-to-end tests drive, installed on first use (idempotent, quick when present).

- newman (Postman's CLI) from the npm registry into ``.tools/`` (git-ignored), pinned.
- Debian's ``chromium`` through apt-get: never a browser downloaded by Playwright.

Run ``python -m tests.support.tools`` from the repository root to install both ahead of time.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools"
NEWMAN_VERSION = "6.2.2"
NEWMAN = TOOLS / "node_modules" / ".bin" / "newman"

# Flags for a headless Chromium in a container/CI: no sandbox (root), no GPU, and nothing that
# reaches the network on its own (component updates, sync, first-run pages).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class ToolUnavailable(RuntimeError):
    pass


@contextmanager
def _lock(name: str):
    """Two test processes installing at once would trip over each other's files."""
    TOOLS.mkdir(exist_ok=True)
    with open(TOOLS / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(command: list[str], timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


_apt_updated = False


def apt_install(*packages: str) -> None:
    """apt-get install, with one apt-get update first if the package lists do not know a package."""
    global _apt_updated
    if os.geteuid() != 0:
        raise ToolUnavailable(f"{' '.join(packages)} missing; install with: sudo apt-get install {packages}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    for attempt in range(2):
        result = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env, check=False)
        if result.returncode == 0:
            return
        if attempt == 0 and not _apt_updated:
            _run(["apt-get", "update"], timeout=600)
            _apt_updated = True
            continue
        raise ToolUnavailable(f"apt-get install {' '.join(packages)} failed:\n{result.stderr[-2000:]}")


def ensure_chromium() -> str:
    """Path of Debian's chromium, installing it (and fonts for legible screenshots) when missing."""
    found = shutil.which("chromium")
    if found:
        return found
    with _lock("apt"):
        if not shutil.which("chromium"):
            apt_install("chromium", "fonts-liberation", "fonts-dejavu-core")
    found = shutil.which("chromium")
    if not found:
        raise ToolUnavailable("chromium is still not on PATH after apt-get install")
    return found


def _npm() -> str:
    npm = shutil.which("npm")
    if npm:
        return npm
    with _lock("apt"):
        if not shutil.which("npm"):
            apt_install("nodejs", "npm")
    npm = shutil.which("npm")
    if not npm:
        raise ToolUnavailable("npm is still not on PATH after apt-get install")
    return npm


def _newman_version() -> str | None:
    if not NEWMAN.exists():
        return None
    result = _run([str(NEWMAN), "--version"], timeout=60)
    return result.stdout.strip() if result.returncode == 0 else None


def ensure_newman() -> Path:
    """``.tools/node_modules/.bin/newman`` at NEWMAN_VERSION; npm-installed only when absent."""
    if _newman_version() == NEWMAN_VERSION:
        return NEWMAN
    npm = _npm()
    with _lock("npm"):
        if _newman_version() != NEWMAN_VERSION:
            result = _run(
                [
                    npm,
                    "install",
                    "--prefix",
                    str(TOOLS),
                    "--no-audit",
                    "--no-fund",
                    "--no-save",
                    "--loglevel=error",
                    f"newman@{NEWMAN_VERSION}",
                ],
                timeout=900,
            )
            if result.returncode != 0:
                raise ToolUnavailable(f"npm install newman failed:\n{result.stderr[-2000:]}")
    if _newman_version() != NEWMAN_VERSION:
        raise ToolUnavailable(f"newman {NEWMAN_VERSION} not runnable at {NEWMAN}")
    return NEWMAN


if __name__ == "__main__":
    print("chromium:", ensure_chromium())
    print("newman:", ensure_newman(), NEWMAN_VERSION)
