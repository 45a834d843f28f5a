"""README examples are real: every `$ pactwatch ...` line in a console block is run here."""

from __future__ import annotations

import re
import shlex

import pytest

from pactwatch.settings import PROJECT_ROOT
from tests.cli import run_cli

BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)


def console_examples() -> list[tuple[list[str], str]]:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    examples = []
    for block in BLOCK.findall(readme):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            examples.append((shlex.split(command), output))
    return examples


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
    assert (result.out + result.err).replace("valid: no problems found\n", "") == expected


def test_readme_has_examples() -> None:
    assert console_examples()
