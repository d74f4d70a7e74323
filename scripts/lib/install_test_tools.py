"""Install the external tools the selected test suites need, before pytest starts (run by scripts/test).

    python scripts/lib/install_test_tools.py SUITE ...     e.g. e2e bench

Idempotent and quick when everything is present; installs only what the named suites need
(tests/support/tools.py NEEDED_BY): Debian's chromium (with fonts, for legible screenshots), newman
(pinned) from the npm registry into .tools/, wrk, and Debian's prometheus package unpacked into
.tools/prometheus/ (apt-get download + dpkg -x: the binaries only, no service, no daemon). The tests
only find these tools; this is the one place that installs them. Exits non-zero, saying what failed,
when a tool cannot be installed.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.tools import (  # noqa: E402
    NEEDED_BY,
    NEWMAN,
    NEWMAN_VERSION,
    PROMETHEUS,
    TOOLS,
    newman_version,
    prometheus_version,
)

# Debian packages per tool (the program that proves it is there, then what to install).
APT = {
    "chromium": ("chromium", ["chromium", "fonts-liberation", "fonts-dejavu-core"]),
    "wrk": ("wrk", ["wrk"]),
    "npm": ("npm", ["nodejs", "npm"]),
}


class InstallFailed(RuntimeError):
    pass


def _run(command: list[str], *, timeout: float, env: dict | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise InstallFailed(f"{' '.join(command)} did not finish within {timeout:g} s") from exc


@contextmanager
def _lock(name: str):
    """Two scripts/test runs on one checkout must not install into .tools/ at once."""
    TOOLS.mkdir(exist_ok=True)
    with open(TOOLS / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def apt_install(packages: list[str]) -> None:
    """apt-get install (through sudo when not root); one apt-get update first if it fails."""
    prefix: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            raise InstallFailed(f"not root and no sudo: run `apt-get install {' '.join(packages)}` as root")
        prefix = ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Wait for another apt/dpkg run (another checkout's tests) instead of failing on its lock.
    lock_wait = ["-o", "DPkg::Lock::Timeout=600"]
    install = [*prefix, "apt-get", *lock_wait, "install", "-y", "-qq", "--no-install-recommends", *packages]
    result = _run(install, timeout=1200, env=env)
    if result.returncode != 0:
        print("    apt-get update (the package lists did not know a package)", flush=True)
        _run([*prefix, "apt-get", *lock_wait, "update", "-qq"], timeout=900, env=env)
        result = _run(install, timeout=1200, env=env)
    if result.returncode != 0:
        raise InstallFailed(f"apt-get install {' '.join(packages)} failed:\n{result.stderr[-2000:]}")


def ensure_program(tool: str) -> str:
    program, packages = APT[tool]
    found = shutil.which(program)
    if found:
        return f"{found} (present)"
    print(f"    {tool}: apt-get install {' '.join(packages)}", flush=True)
    apt_install(packages)
    found = shutil.which(program)
    if not found:
        raise InstallFailed(f"{program} is still not on PATH after apt-get install {' '.join(packages)}")
    return f"{found} (installed)"


def ensure_newman() -> str:
    if newman_version() == NEWMAN_VERSION:
        return f"{NEWMAN} {NEWMAN_VERSION} (present)"
    ensure_program("npm")
    with _lock("npm"):
        if newman_version() != NEWMAN_VERSION:
            print(f"    newman: npm install newman@{NEWMAN_VERSION} into {TOOLS}", flush=True)
            result = _run(
                [
                    shutil.which("npm") or "npm",
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
                raise InstallFailed(f"npm install newman@{NEWMAN_VERSION} failed:\n{result.stderr[-2000:]}")
    if newman_version() != NEWMAN_VERSION:
        raise InstallFailed(f"newman {NEWMAN_VERSION} not runnable at {NEWMAN} after npm install")
    return f"{NEWMAN} {NEWMAN_VERSION} (installed)"


def ensure_prometheus() -> str:
    """Debian's prometheus package, downloaded and unpacked into .tools/prometheus/ (never installed:
    installing it would start a daemon on the machine)."""
    if version := prometheus_version():
        return f"{PROMETHEUS} ({version}, present)"
    with _lock("prometheus"):
        if prometheus_version() is None:
            print(
                f"    prometheus: apt-get download prometheus, dpkg -x into {TOOLS / 'prometheus'}",
                flush=True,
            )
            downloads = TOOLS / "debs"
            shutil.rmtree(downloads, ignore_errors=True)
            downloads.mkdir(parents=True)
            download = ["apt-get", "download", "-qq", "prometheus"]
            result = subprocess.run(download, cwd=downloads, capture_output=True, text=True, timeout=600)
            if result.returncode != 0:
                print("    apt-get update (the package lists did not know prometheus)", flush=True)
                prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
                _run([*prefix, "apt-get", "-o", "DPkg::Lock::Timeout=600", "update", "-qq"], timeout=900)
                result = subprocess.run(download, cwd=downloads, capture_output=True, text=True, timeout=600)
            packages = sorted(downloads.glob("prometheus_*.deb"))
            if result.returncode != 0 or not packages:
                raise InstallFailed(f"apt-get download prometheus failed:\n{result.stderr[-2000:]}")
            shutil.rmtree(TOOLS / "prometheus", ignore_errors=True)
            unpacked = _run(["dpkg", "-x", str(packages[-1]), str(TOOLS / "prometheus")], timeout=300)
            if unpacked.returncode != 0:
                raise InstallFailed(f"dpkg -x {packages[-1].name} failed:\n{unpacked.stderr[-2000:]}")
            shutil.rmtree(downloads, ignore_errors=True)
    if (version := prometheus_version()) is None:
        raise InstallFailed(f"prometheus not runnable at {PROMETHEUS} after dpkg -x")
    return f"{PROMETHEUS} ({version}, unpacked)"


def main(suites: list[str]) -> int:
    tools = [tool for suite in suites for tool in NEEDED_BY.get(suite, ())]
    tools = list(dict.fromkeys(tools))
    if not tools:
        return 0
    print(f"==> installing test tools ({', '.join(tools)})", flush=True)
    try:
        for tool in tools:
            special = {"newman": ensure_newman, "prometheus": ensure_prometheus}
            where = special[tool]() if tool in special else ensure_program(tool)
            print(f"    {tool}: {where}", flush=True)
    except InstallFailed as exc:
        print(f"error: could not install the test tools: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
