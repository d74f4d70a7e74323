"""Running scripts/bench and reading its PNG."""

import os
import struct
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BEFORE = Path(__file__).with_name("data") / "bench-before.json"


def bench(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [str(ROOT / "scripts" / "bench"), *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", data[:32]
    return struct.unpack(">II", data[16:24])
