"""The layering ARCHITECTURE.md draws is a contract (import-linter), checked on every run.

The API once imported the verbs, which import the web app, which imports the API: a cycle
the pipeline forbids. The contracts in pyproject.toml pin the order of the stages and keep
the store's write functions behind the Registry.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from pactwatch.settings import PROJECT_ROOT

PYPROJECT = PROJECT_ROOT / "pyproject.toml"


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    found: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return found


def test_the_import_contracts_are_kept() -> None:
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]
    done = subprocess.run(
        [*command, "--config", str(PYPROJECT)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-1000:]
    assert "2 kept, 0 broken" in done.stdout, done.stdout[-500:]


def test_the_contract_is_the_layering_architecture_md_draws() -> None:
    layers = next(c for c in contracts() if c["id"] == "pipeline")["layers"]
    assert isinstance(layers, list)
    drawn = " > ".join(str(layer) for layer in layers)
    architecture = (PROJECT_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert drawn in architecture, drawn
    assert layers.index("verbs") < layers.index("web") < layers.index("api"), layers
