"""README examples are real: every example in it is run here, or checked as far as a test can.

- `console` blocks: each `$ pactwatch ...` line is run and its output must be exactly what
  the block shows.
- `text` blocks that start with `$ `: excerpts. Each command is run in a shell (with the
  environment's tools on the PATH, on a registry loaded from `data/`, at COLUMNS=100), and
  every line shown must appear in its output, in order; `...` stands for lines left out.
- `sh` blocks: set-up and commands too slow or needing a running server for the suite.
  `make TARGET` must be a target make can plan, `source PATH` must name the environment
  `make run` builds, and every `pactwatch` command must exist with every option used.
  Lines of other tools (curl, pip, benchmarks) are not run here.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.settings import PROJECT_ROOT
from tests.cli import run_cli

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
README = PROJECT_ROOT / "README.md"
BIN = Path(sys.executable).parent


def blocks(kind: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [body for lang, body in FENCE.findall(text) if lang == kind]


def console_examples() -> list[tuple[list[str], str]]:
    examples = []
    for block in blocks("console"):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            examples.append((shlex.split(command), output))
    return examples


def excerpt_examples() -> list[tuple[str, list[str]]]:
    """(shell command, lines shown) for each `$ ` line of the `text` blocks. A command runs
    after the commands before it in its block (their output unchecked), as a reader would
    type them: a later one may read what an earlier one wrote, and the test suite's workers
    may each run a different command of one block, in a folder of their own."""
    examples = []
    for block in blocks("text"):
        if not block.startswith("$ "):
            continue
        before: list[str] = []
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            setup = "".join(f"{{ {c}; }} >/dev/null 2>&1; " for c in before)
            examples.append((setup + command, output.splitlines()))
            before.append(command)
    return examples


def sh_lines() -> list[str]:
    out = []
    for block in blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("  #", 1)[0].strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


def test_every_block_is_one_the_test_runs() -> None:
    text = README.read_text(encoding="utf-8")
    kinds = [lang for lang, _ in FENCE.findall(text)]
    assert set(kinds) <= {"console", "text", "sh"}, kinds
    for block in blocks("text"):
        assert block.startswith("$ "), f"a text block must start with its command:\n{block}"


@pytest.mark.parametrize(("command", "expected"), console_examples())
def test_readme_console_output_is_what_the_command_prints(
    capsys: pytest.CaptureFixture[str],
    seed_available: bool,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    expected: str,
) -> None:
    assert command[0] == "pactwatch"
    monkeypatch.chdir(PROJECT_ROOT)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("PACTWATCH_DB", raising=False)
    result = run_cli(capsys, *command[1:])
    output = re.sub(r"^valid: .*\n", "", result.out + result.err, flags=re.MULTILINE)
    assert output == expected


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A folder to run shell examples in, beside a registry loaded from data/ (what
    `make run` leaves), with the project's schema/ and data/ where the examples name them."""
    folder = tmp_path_factory.mktemp("readme")
    db = str(folder / "pactwatch.db")
    verbs.load(db, [PROJECT_ROOT / "data"])
    for name in ("schema", "data", "tests"):
        (folder / name).symlink_to(PROJECT_ROOT / name)
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "COLUMNS": "100",
        "PACTWATCH_DB": db,
    }
    yield folder, env


@pytest.mark.parametrize(("command", "shown"), excerpt_examples())
def test_readme_excerpts_are_in_what_the_command_prints(
    workdir: tuple[Path, dict[str, str]], command: str, shown: list[str]
) -> None:
    folder, env = workdir
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line.rstrip() for line in (result.stdout + result.stderr).splitlines()]
    at = 0
    for want in (w.rstrip() for w in shown):
        if want == "...":
            continue
        while at < len(lines) and lines[at] != want:
            at += 1
        assert at < len(lines), f"{command}: {want!r} not found in order in:\n" + "\n".join(lines)
        at += 1


@pytest.mark.parametrize("line", sh_lines())
def test_readme_set_up_and_long_commands_exist(
    line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if line.split()[0] not in {"make", "source", "pactwatch"}:
        return  # another tool's line (curl, pip, a benchmark): not run here
    words = shlex.split(line, comments=True)
    if words[0] == "make":
        planned = subprocess.run(
            ["make", "-n", *words[1:]], cwd=PROJECT_ROOT, capture_output=True, check=False
        )
        assert planned.returncode == 0, planned.stderr
    elif words[0] == "source":
        assert words[1] == ".venv/bin/activate", "the environment `make run` builds"
        assert (PROJECT_ROOT / words[1]).is_file()
    elif words[0] == "pactwatch":
        command = [w for w in words[1:] if not w.startswith("-")][:1]
        options = [w.split("=")[0] for w in words[1:] if w.startswith("--")]
        result = run_cli(capsys, *command, "--help")
        assert result.code == 0, (line, result)
        for option in options:
            assert option in result.out, (line, option)


def test_readme_has_examples() -> None:
    assert console_examples() and excerpt_examples() and sh_lines()
