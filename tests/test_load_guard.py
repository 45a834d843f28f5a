"""No silent loss: `load` refuses to drop what only the registry holds, unless --replace.

Writes made through the service or `pactwatch trigger` live only in the registry; a load of
`data/` used to replace them without a word. Now it names them in one line, changes
nothing and exits 1; `--replace` drops them on purpose, and `make run` keeps them.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.settings import PROJECT_ROOT
from pactwatch.store.events import read_events
from pactwatch.store.registry import Registry
from pactwatch.store.write import Patch
from tests.cli import run_cli

REPORT_REGISTRY = PROJECT_ROOT / "tests" / "fixtures" / "report-registry"
TRIGGER = ["trigger", "renewed_aggression", "--at", "2026-03-10T06:00:00+02:00"]
SOURCE = ["--source", "https://example.org/escalation"]


def event_ids(db: str) -> set[str]:
    with Registry.open(db) as registry:
        return {e.id for e in read_events(registry.engine)}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the report registry's dataset, events folder included."""
    root = tmp_path / "data"
    shutil.copytree(REPORT_REGISTRY, root)
    (root / "events").mkdir(exist_ok=True)
    return root


@pytest.fixture
def db(tmp_path: Path, data: Path) -> str:
    path = str(tmp_path / "registry.db")
    verbs.load(path, [data])
    return path


def test_load_refuses_to_drop_a_trigger_only_the_registry_holds(
    db: str, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(capsys, *TRIGGER, *SOURCE, "--db", db).code == 0
    before = event_ids(db)
    assert len(before) == 1, before
    result = run_cli(capsys, "load", str(data), "--db", db)
    assert result.code == 1, result
    assert result.err.count("\n") == 1, result.err
    assert "1 trigger(s)" in result.err and next(iter(before)) in result.err, result.err
    assert "--replace" in result.err and "[registry-only-changes]" in result.err, result.err
    assert event_ids(db) == before, "nothing was loaded"
    replaced = run_cli(capsys, "load", str(data), "--db", db, "--replace")
    assert replaced.code == 0, replaced
    assert event_ids(db) == set()


def test_a_trigger_also_in_data_does_not_stop_a_load(
    db: str, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = data / "events" / "triggers.yaml"
    result = run_cli(capsys, *TRIGGER, *SOURCE, "--file", str(target), "--db", db)
    assert result.code == 0, result
    again = run_cli(capsys, "load", str(data), "--db", db)
    assert again.code == 0, again
    assert len(event_ids(db)) == 1


def test_load_refuses_to_drop_a_curators_edit(
    db: str, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Registry.open(db) as registry:
        registry.save_provision(
            "ua-ro-2024", Patch("patriot", {"timing": "2024"}), "ana", lambda _: [], "*"
        )
    result = run_cli(capsys, "load", str(data), "--db", db)
    assert result.code == 1 and "edits to 1 agreement(s) (ua-ro-2024)" in result.err, result
    assert verbs.agreement("ua-ro-2024", db).provision("patriot").timing == "2024"  # type: ignore[union-attr]
    assert run_cli(capsys, "load", str(data), "--db", db, "--replace").code == 0
    assert verbs.agreement("ua-ro-2024", db).provision("patriot").timing is None  # type: ignore[union-attr]
    assert run_cli(capsys, "load", str(data), "--db", db).code == 0, "the edit is gone now"


def test_loading_another_dataset_is_no_loss(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Only writes count: what an earlier load brought may be replaced freely."""
    other = PROJECT_ROOT / "tests" / "fixtures" / "service-registry"
    result = run_cli(capsys, "load", str(other), "--db", db)
    assert result.code == 0, result


def test_make_run_keeps_a_registry_it_built(
    db: str, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The load line of `make run`, run as make runs it, leaves registry-only writes alone."""
    assert run_cli(capsys, *TRIGGER, *SOURCE, "--db", db).code == 0
    before = event_ids(db)
    recipe = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    run_target = recipe.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    line = next(x.strip() for x in run_target.splitlines() if " load " in x)
    words = shlex.split(line.replace("$(BIN)/", "").replace("$(DB)", db))
    assert words[0] == "pactwatch", words
    command = [sys.executable, "-m", "pactwatch", *words[1:], str(data)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "registry-only-changes" in done.stderr and "kept" in done.stderr, done.stderr
    assert event_ids(db) == before
