"""Every export is deterministic and matches its golden file for the fixture agreements.

Renew the golden files after an intended change with
`PACTWATCH_UPDATE_GOLDEN=1 pytest tests/exports/test_golden.py`, then review the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pactwatch.model import Agreement, Event
from tests.exports.conftest import GOLDEN, UPDATE_GOLDEN, export_bytes, export_files

COLLECTION_FORMATS = {
    "json": "json",
    "yaml": "yaml",
    "csv": "csv",
    "parquet": "parquet",
    "xlsx": "xlsx",
    "jsonld": "jsonld",
    "ttl": "ttl",
    "atop": "atop.json",
}


@pytest.mark.parametrize("fmt", sorted(COLLECTION_FORMATS))
def test_export_matches_golden(
    fmt: str, fixture_agreements: list[Agreement], fixture_events: list[Event]
) -> None:
    data = export_bytes(fmt, fixture_agreements, fixture_events)
    again = export_bytes(fmt, fixture_agreements, list(reversed(fixture_events)))
    assert data == again, f"{fmt}: two runs differ"
    path = GOLDEN / f"fixture.{COLLECTION_FORMATS[fmt]}"
    if UPDATE_GOLDEN:
        path.write_bytes(data)
    assert path.is_file(), f"no golden file {path}; run with PACTWATCH_UPDATE_GOLDEN=1"
    assert data == path.read_bytes(), f"{fmt} export differs from {path}"


@pytest.mark.parametrize("fmt", ["akn", "datapackage", "yaml"])
def test_folder_export_matches_golden_folder(
    fmt: str, fixture_agreements: list[Agreement], fixture_events: list[Event]
) -> None:
    files = export_files(fmt, fixture_agreements, fixture_events)
    folder = GOLDEN / fmt
    if UPDATE_GOLDEN:
        folder.mkdir(exist_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    assert sorted(files) == sorted(p.name for p in folder.iterdir()), folder
    for name, data in files.items():
        assert data == (folder / name).read_bytes(), f"{fmt}: {name} differs from {folder}"
    zipped = export_bytes(fmt, fixture_agreements, fixture_events)
    assert zipped == export_bytes(fmt, fixture_agreements, fixture_events), fmt


def test_single_akn_document_matches_golden(full: Agreement) -> None:
    data = export_bytes("akn", [full], single=True)
    path = GOLDEN / "zz-fixture-2025.akn.xml"
    if UPDATE_GOLDEN:
        path.write_bytes(data)
    assert data == path.read_bytes(), f"single akn export differs from {path}"


HASH_ALL = """
import hashlib, json, sys
from pactwatch.curate import load_dataset
from pactwatch.export import exporter_for, formats
from pactwatch.settings import PROJECT_ROOT
a = load_dataset([PROJECT_ROOT / "data"]).by_id()["ua-ro-2024"]
out = {}
for name in formats():
    for single in (True, False):
        e = exporter_for(name, single=single)
        e.write(a)
        out[f"{name}/{single}"] = hashlib.sha256(e.finalize()).hexdigest()
print(json.dumps(out))
"""


def _hashes(seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run(
        [sys.executable, "-c", HASH_ALL], capture_output=True, text=True, env=env, check=True
    )
    parsed = json.loads(result.stdout)
    assert isinstance(parsed, dict)
    return parsed


def test_ua_ro_exports_are_identical_across_processes() -> None:
    """Same record, same bytes: in two processes with different hash seeds, every format."""
    first, second = _hashes("1"), _hashes("2")
    assert len(first) >= 20, first
    differing = sorted(k for k in first if first[k] != second[k])
    assert not differing, differing


def test_exports_hold_no_source_text(seed_text: str, ua_ro: Agreement) -> None:
    """Records hold offsets, not words: no 80-character run of the seed is in any export.

    Short phrases (a title, "against Ukraine") are shared with any summary; a sentence is not.
    """
    windows = {seed_text[i : i + 80] for i in range(0, len(seed_text) - 80, 10)}
    texts = [p.read_bytes() for p in sorted(GOLDEN.rglob("*")) if p.is_file()]
    texts += [export_bytes(fmt, [ua_ro], single=True) for fmt in ("json", "akn", "ttl", "csv")]
    for text in texts:
        decoded = text.decode("utf-8", errors="replace")
        leaked = [w for w in windows if w in decoded]
        assert not leaked, leaked[:3]
