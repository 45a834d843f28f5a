"""Starting the command line loads only what the command needs.

Each check runs a fresh interpreter: in this process the test suite has long since
imported everything, so `sys.modules` here says nothing about what a command loads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pactwatch.cli.export_cmd import FORMATS
from pactwatch.export import formats

HEAVY = ("sqlalchemy", "fastapi", "uvicorn", "pactwatch.export.akn", "pactwatch.store", "alembic")

# Runs `pactwatch ARGS` (or, with no ARGS, only imports it), then reports on stderr's last
# line which of the heavy modules were loaded, whatever the command's exit.
PROBE = f"""
import json, sys
from pactwatch.cli.app import main
try:
    if sys.argv[1:]:
        main()
finally:
    print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)), file=sys.stderr)
"""


def _run(*args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "120"},
        check=False,
    )
    loaded: list[str] = json.loads(result.stderr.splitlines()[-1])
    return result, loaded


def test_importing_the_command_line_loads_no_heavy_module() -> None:
    result, loaded = _run()
    assert result.returncode == 0, result.stderr
    assert loaded == []


def test_help_loads_no_heavy_module() -> None:
    result, loaded = _run("--help")
    assert result.returncode == 0, result.stderr
    assert "extract" in result.stdout
    assert loaded == []


def test_export_help_names_the_formats_without_loading_them() -> None:
    result, loaded = _run("export", "--help")
    assert result.returncode == 0, result.stderr
    assert "akn" in result.stdout and "xlsx" in result.stdout
    assert loaded == []


def test_extract_loads_neither_the_database_nor_the_web_service(tmp_path: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("Norway will provide training to Ukraine.\n", encoding="utf-8")
    result, loaded = _run("extract", str(text))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["provisions"]
    assert "sqlalchemy" not in loaded and "fastapi" not in loaded


def test_a_database_error_is_still_one_line(tmp_path: Path) -> None:
    """The error handler only recognises SQLAlchemy's errors once SQLAlchemy is loaded."""
    registry = tmp_path / "registry.db"
    registry.write_text("these are words, not a database\n", encoding="utf-8")
    result, loaded = _run("list", "--db", str(registry))
    assert result.returncode == 1
    assert result.stderr.splitlines()[:-1] == ["error: database: file is not a database"]
    assert "sqlalchemy" in loaded


def test_reading_a_registry_does_not_load_the_migrations(tmp_path: Path) -> None:
    """Only a load migrates: a command that reads an up-to-date registry leaves Alembic
    (and Mako, which it brings) unloaded."""
    registry = tmp_path / "registry.db"
    made, loaded = _run("load", "--db", str(registry))
    assert made.returncode == 0, made.stderr
    assert "alembic" in loaded
    for command in (["list"], ["due", "--at", "2026-01-01T00:00:00Z"]):
        result, loaded = _run(*command, "--db", str(registry))
        assert result.returncode == 0, result.stderr
        assert "sqlalchemy" in loaded and "alembic" not in loaded


def test_the_help_names_every_built_in_format() -> None:
    assert list(FORMATS) == formats()


def test_a_verb_is_not_hidden_by_its_submodule() -> None:
    """`registry` and `service` name both a verb and the submodule that defines it; loading
    the submodule from elsewhere first must not replace the verb on the package."""
    code = (
        "import pactwatch.verbs.exports, pactwatch.verbs.service\n"
        "from pactwatch import verbs\n"
        "print(verbs.registry.__module__, verbs.service.__module__, verbs.load.__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["pactwatch.verbs.registry", "pactwatch.verbs.service", "load"]
