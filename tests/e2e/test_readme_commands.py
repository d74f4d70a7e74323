"""Every command block of README.md and README.es.md (```bash/sh/shell, or any block with a curl
command) runs as written with `bash -euo pipefail` against live auth and offline music, ports swapped
in; it passes when it exits 0 and every request it made got a 2xx/3xx in the services' access logs.
A block that cannot run here says why on the line before its fence: `<!-- not-run: reason -->`.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
from dataclasses import dataclass

import pytest

from tests.e2e.helpers import json_lines, sqlite_auth
from tests.support.processes import SERVICE_TOKEN, music_process
from tests.support.repo_copy import ROOT, script_env

READMES = ("README.md", "README.es.md")
SHELL_LANGUAGES = {"bash", "sh", "shell", "console", "zsh"}
# A fenced block, with the last non-empty line before it (where a not-run marker goes).
FENCED = re.compile(
    r"(?:^(?P<before>[^\n]*\S[^\n]*)\n(?:[ \t]*\n)*)?^\s*```(?P<lang>\S*)\n(?P<code>.*?)^\s*```", re.M | re.S
)
NOT_RUN = re.compile(r"^\s*<!--\s*not-run:\s*(.*?)\s*-->\s*$")
# curl as a command (a line's first word, after ; && | or inside $( )), not the word in a diagram.
CURL_COMMAND = re.compile(r"(^|[;&|]|\$\()\s*curl\s", re.MULTILINE)
BLOCK_TIMEOUT = 120


@dataclass(frozen=True)
class Block:
    readme: str
    line: int  # of the opening fence, 1-based
    code: str
    not_run: str | None  # the reason, when marked

    @property
    def id(self) -> str:
        first = next((s for s in self.code.splitlines() if s.strip()), "")[:40]
        return f"{self.readme}:{self.line}:{first}"


def command_blocks(readme: str) -> list[Block]:
    text = (ROOT / readme).read_text()
    blocks = []
    for found in FENCED.finditer(text):
        if found["lang"].lower() in SHELL_LANGUAGES or CURL_COMMAND.search(found["code"]):
            marker = NOT_RUN.match(found["before"] or "")
            line = text.count("\n", 0, found.start("lang")) + 1
            blocks.append(Block(readme, line, found["code"], marker and marker[1]))
    return blocks


ALL_BLOCKS = [block for readme in READMES for block in command_blocks(readme)]


def test_the_readmes_have_runnable_blocks_covering_the_whole_flow():
    for readme in READMES:
        runnable = "".join(b.code for b in ALL_BLOCKS if b.readme == readme and b.not_run is None)
        for step in ("/register", "/login", "/notas", "/token/refresh", "/logout", "/search"):
            assert step in runnable, f"{readme}: no runnable block calls {step}"
    for block in ALL_BLOCKS:
        if block.not_run is not None:
            assert len(block.not_run) >= 10, f"{block.id}: say why it is not run"


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    """music (offline catalog) and one auth per README (both register the same user), started on first use."""
    logs = tmp_path_factory.mktemp("readme-logs")
    with contextlib.ExitStack() as stack:
        music = stack.enter_context(music_process(logs, name="readme-music"))
        auths = {}

        def auth_for(readme: str):
            if readme not in auths:
                name = "readme-auth-" + readme.replace(".", "-")
                auths[readme] = stack.enter_context(sqlite_auth(logs, logs, music.url, name))
            return auths[readme]

        yield music, auth_for


def statuses(log_text: str) -> list[tuple[str, str, int]]:
    lines = [line for line in json_lines(log_text) if "status" in line and "path" in line]
    return [(line.get("method", "?"), line["path"], int(line["status"])) for line in lines]


@pytest.mark.timeout(BLOCK_TIMEOUT + 60)
@pytest.mark.parametrize("block", ALL_BLOCKS, ids=[b.id for b in ALL_BLOCKS])
def test_block_runs_as_written(block, services, tmp_path):
    if block.not_run is not None:
        pytest.skip(f"{block.readme}:{block.line}: not-run: {block.not_run}")
    music, auth_for = services
    auth = auth_for(block.readme)
    script = block.code
    for host in ("localhost", "127.0.0.1"):
        script = script.replace(f"{host}:5000", f"{host}:{auth.port}")
        script = script.replace(f"{host}:5001", f"{host}:{music.port}")
    # The folder the README's commands run in: the repository's, with the .env scripts/run writes.
    (tmp_path / ".env").write_text(f"MUSIC_SERVICE_TOKEN={SERVICE_TOKEN}\n")
    (tmp_path / "block.sh").write_text(script)
    before = {s: len(s.logs()) for s in (auth, music)}
    run = ["bash", "-euo", "pipefail", "block.sh"]
    result = subprocess.run(
        run, cwd=tmp_path, env=script_env(), capture_output=True, text=True, timeout=BLOCK_TIMEOUT
    )
    shown = f"{block.id}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    assert result.returncode == 0, shown
    answered = [status for s in (auth, music) for status in statuses(s.logs()[before[s] :])]
    assert answered or "curl" not in script, f"no request reached the services\n{shown}"
    failed = [a for a in answered if a[2] >= 400]
    assert not failed, f"HTTP errors: {failed}\n{shown}"
