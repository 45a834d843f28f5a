"""`pactwatch monitor`: chunks, date partitions, bad documents, resumption, Dask vs a loop.

Most tests drive the pipeline with a small link function of their own (it proposes an
event wherever a report names a Patriot system): what is tested here is how documents are
read, partitioned, isolated and resumed, not how they are linked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import dask
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from distributed import Client
from pydantic import BaseModel

from pactwatch.model import Agreement, PactwatchError
from pactwatch.monitor import Linker, in_process, monitor, on_dask
from pactwatch.monitor.cluster import dask_client
from pactwatch.settings import PROJECT_ROOT
from tests.cli import run_cli

FIXTURE_DATA = (PROJECT_ROOT / "tests" / "fixtures" / "report-registry",)
NEWS = PROJECT_ROOT / "tests" / "fixtures" / "monitor" / "news.jsonl"
WORD = "Patriot"


class Link(BaseModel):
    agreement: str
    provision: str
    score: float
    reason: str


class WordProposal(BaseModel):
    kind: str
    summary: str
    date: str | None
    links: list[Link]


def find_word(
    text: str, agreements: Sequence[Agreement], *, published: dt.date | None = None
) -> list[WordProposal]:
    """One proposal per agreement provision whose object names the word the text names."""
    if "EXPLODE" in text:
        raise ValueError("cannot link this\nsecond line")
    if WORD not in text:
        return []
    links = [
        Link(agreement=a.id, provision=p.id, score=1.0, reason=f"both say {WORD!r}")
        for a in agreements
        for p in a.provisions
        if WORD.lower() in (p.object or "").lower()
    ]
    day = None if published is None else published.isoformat()
    return [WordProposal(kind="delivery", summary=text[:40], date=day, links=links)]


LINKER = Linker(find_word, WordProposal, FIXTURE_DATA)


def documents(count: int, start: int = 0) -> Iterator[dict[str, Any]]:
    for i in range(start, start + count):
        day = dt.date(2024, 7, 1) + dt.timedelta(days=i % 5)
        topic = f"Romania sent a {WORD} battery" if i % 3 == 0 else "Rain expected in the hills"
        yield {"id": f"n{i}", "date": day.isoformat(), "url": f"https://n.test/{i}", "text": topic}


def write_jsonl(path: Path, records: Sequence[dict[str, Any] | bytes]) -> Path:
    with path.open("wb") as handle:
        for record in records:
            line = record if isinstance(record, bytes) else json.dumps(record).encode()
            handle.write(line + b"\n")
    return path


def read_out(out: Path) -> list[dict[str, Any]]:
    table = ds.dataset(out, format="parquet", partitioning="hive").to_table()
    rows = table.to_pylist()
    return sorted(rows, key=lambda r: (str(r["published"]), r["doc_id"]))


def test_jsonl_chunks_cover_every_line_once_and_partition_by_date(tmp_path: Path) -> None:
    archive = write_jsonl(tmp_path / "news.jsonl", list(documents(60)))
    out = tmp_path / "out"
    # chunks of 500 bytes start and end inside lines: each line must still be read once
    result = monitor(archive, out, LINKER, chunk_bytes=500)
    assert result.chunks > 5
    assert (result.documents, result.proposals, result.failed, result.dates) == (60, 20, 0, 5)
    rows = read_out(out)
    assert sorted(r["doc_id"] for r in rows) == sorted(f"n{i}" for i in range(0, 60, 3))
    for row in rows:
        assert str(row["published"]) == row["date"]  # the folder is the document's date
        assert row["links"] == [
            {
                "agreement": "ua-ro-2024",
                "provision": "patriot",
                "score": 1.0,
                "reason": "both say 'Patriot'",
            }
        ]
    days = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("_"))
    assert days == [f"published=2024-07-0{d}" for d in range(1, 6)]
    assert not list(out.rglob(".*"))  # no temporary file left behind


@pytest.mark.parametrize("shift", [-1, 0, 1])
def test_chunk_edges_on_and_beside_line_starts(tmp_path: Path, shift: int) -> None:
    records = [
        {"id": f"d{i:03d}", "date": "2024-07-01", "url": None, "text": f"{WORD} {i:03d}"}
        for i in range(20)
    ]
    archive = write_jsonl(tmp_path / "news.jsonl", records)
    width = len(archive.read_bytes()) // 20  # every line has the same length
    result = monitor(archive, tmp_path / "out", LINKER, chunk_bytes=width + shift)
    assert result.documents == 20
    assert [r["doc_id"] for r in read_out(tmp_path / "out")] == [r["id"] for r in records]


def test_parquet_archive_by_row_group(tmp_path: Path) -> None:
    records = list(documents(30))
    archive = tmp_path / "news.parquet"
    pq.write_table(pa.Table.from_pylist(records), archive, row_group_size=7)
    out = tmp_path / "out"
    result = monitor(archive, out, LINKER)
    assert result.chunks == 5
    assert (result.documents, result.proposals, result.failed) == (30, 10, 0)
    jsonl = write_jsonl(tmp_path / "news.jsonl", records)
    assert read_out(out) == read_out(_run(jsonl, tmp_path / "from-jsonl"))


def _run(archive: Path, out: Path, **options: Any) -> Path:
    monitor(archive, out, LINKER, **options)
    return out


def test_bad_documents_are_isolated_counted_and_named(tmp_path: Path) -> None:
    good = list(documents(6))
    bad: list[dict[str, Any] | bytes] = [
        {"id": "no-text", "date": "2024-07-02", "url": None},
        {"id": "bad-date", "date": "2024-13-45", "url": None, "text": "Patriot"},
        b'{"id": "latin-1", "date": "2024-07-02", "url": null, "text": "caf\xe9"}',
        b"{not json",
        b"[1, 2]",
        {"id": "boom", "date": "2024-07-03", "url": None, "text": "EXPLODE Patriot"},
    ]
    archive = write_jsonl(tmp_path / "news.jsonl", [*good[:3], *bad, *good[3:]])
    out = tmp_path / "out"
    result = monitor(archive, out, LINKER, chunk_bytes=200)
    assert (result.documents, result.failed) == (12, 6)
    assert result.proposals == 2  # n0 and n3: the good ones still linked
    assert result.errors_file == out / "_errors.jsonl"
    errors = [json.loads(line) for line in result.errors_file.read_text().splitlines()]
    assert [(e["id"], e["field"]) for e in errors] == [
        ("no-text", "text"),
        ("bad-date", "date"),
        (None, ""),
        (None, ""),
        (None, ""),
        ("boom", "link"),
    ]
    assert "UTF-8" in errors[2]["message"]
    assert errors[3]["message"].startswith("Invalid JSON")
    assert errors[4]["message"] == "not a JSON object"
    assert errors[5]["message"] == "ValueError: cannot link this"
    offsets = [int(e["at"].removeprefix("byte ")) for e in errors]
    raw = archive.read_bytes()
    assert [raw[o:].split(b"\n", 1)[0] for o in offsets[2:5]] == [
        bad[2],
        bad[3],
        bad[4],
    ]


def test_parquet_binary_text_that_is_not_utf8(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": ["a", "b"],
            "date": [dt.date(2024, 7, 1), dt.date(2024, 7, 2)],
            "url": [None, None],
            "text": pa.array([b"Patriot", b"\xff\xfe"], pa.binary()),
        }
    )
    archive = tmp_path / "news.parquet"
    pq.write_table(table, archive)
    result = monitor(archive, tmp_path / "out", LINKER)
    assert (result.documents, result.proposals, result.failed) == (2, 1, 1)
    assert result.errors_file is not None
    error = json.loads(result.errors_file.read_text())
    assert (error["id"], error["field"], error["at"]) == ("b", "text", "row 1")


class Interrupted(BaseException):
    """Stands for a kill: not an Exception, so nothing isolates it as a bad document."""


CALLS: list[str] = []
DIE_AT: list[int] = []


def flaky_link(
    text: str, agreements: Sequence[Agreement], *, published: dt.date | None = None
) -> list[WordProposal]:
    """`find_word`, counting its calls, and stopping the run at call DIE_AT if set."""
    CALLS.append(text)
    if DIE_AT and len(CALLS) == DIE_AT[0]:
        raise Interrupted
    return find_word(text, agreements, published=published)


def test_rerun_skips_chunks_done_and_ends_as_a_full_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = write_jsonl(tmp_path / "news.jsonl", list(documents(40)))
    out = tmp_path / "out"
    linker = Linker(flaky_link, WordProposal, FIXTURE_DATA)
    CALLS.clear()
    DIE_AT[:] = [25]
    try:
        with pytest.raises(Interrupted):
            monitor(archive, out, linker, chunk_bytes=600)
    finally:
        DIE_AT.clear()
    done_before = {p.stem for p in (out / "_done").iterdir()}
    assert done_before  # chunks that finished before the stop are marked done...
    partial = sum(1 for _ in out.rglob("*.parquet"))
    CALLS.clear()
    result = monitor(archive, out, linker, chunk_bytes=600)
    assert result.skipped == len(done_before)
    assert 0 < len(CALLS) < 40  # ...and only the others were linked again
    assert (result.documents, result.failed) == (40, 0)
    assert sum(1 for _ in out.rglob("*.parquet")) > partial
    assert read_out(out) == read_out(_run(archive, tmp_path / "fresh", chunk_bytes=600))
    CALLS.clear()
    again = monitor(archive, out, linker, chunk_bytes=600)
    assert (again.skipped, again.documents, len(CALLS)) == (again.chunks, 40, 0)


def test_results_of_another_archive_are_not_taken_as_done(tmp_path: Path) -> None:
    archive = write_jsonl(tmp_path / "news.jsonl", list(documents(10)))
    out = _run(archive, tmp_path / "out")
    write_jsonl(archive, list(documents(12)))
    with pytest.raises(PactwatchError, match="another archive"):
        monitor(archive, out, LINKER)
    assert monitor(archive, out, LINKER, redo=True).documents == 12
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("mine")
    for redo in (False, True):
        with pytest.raises(PactwatchError, match="not empty"):
            monitor(archive, tmp_path / "other", LINKER, redo=redo)
    assert (tmp_path / "other" / "keep.txt").read_text() == "mine"


@pytest.fixture(scope="module")
def two_workers() -> Iterator[Client]:
    with dask_client(2, processes=False) as client:
        yield client


def test_dask_gives_the_plain_loops_results(tmp_path: Path, two_workers: Client) -> None:
    records: list[dict[str, Any] | bytes] = [*documents(50), b"{broken"]
    archive = write_jsonl(tmp_path / "news.jsonl", records)
    loop = monitor(archive, tmp_path / "loop", LINKER, chunk_bytes=700, execute=in_process)
    dask = monitor(
        archive, tmp_path / "dask", LINKER, chunk_bytes=700, execute=on_dask(two_workers)
    )
    with dask_client(1, processes=False) as one:
        single = monitor(archive, tmp_path / "one", LINKER, chunk_bytes=700, execute=on_dask(one))
    for result in (dask, single):
        assert (result.documents, result.proposals, result.failed, result.dates) == (
            loop.documents,
            loop.proposals,
            loop.failed,
            loop.dates,
        )
    assert loop.failed == 1
    assert read_out(tmp_path / "dask") == read_out(tmp_path / "loop") == read_out(tmp_path / "one")
    assert (tmp_path / "dask" / "_errors.jsonl").read_bytes() == (
        tmp_path / "loop" / "_errors.jsonl"
    ).read_bytes()


def crash_on_word(
    text: str, agreements: Sequence[Agreement], *, published: dt.date | None = None
) -> list[WordProposal]:
    """`find_word`, except that a text saying CRASH ends the process at once, as a crash in
    native code or the kernel's out-of-memory killer would."""
    if "CRASH" in text:
        os._exit(3)
    return find_word(text, agreements, published=published)


def test_a_chunk_that_kills_its_worker_is_lost_and_the_rest_go_on(tmp_path: Path) -> None:
    crash = {"id": "x", "date": "2024-07-01", "url": None, "text": "CRASH"}
    archive = write_jsonl(tmp_path / "news.jsonl", [*documents(10), crash, *documents(10, 10)])
    offset = archive.read_bytes().index(b'"CRASH"')
    out = tmp_path / "out"
    linker = Linker(crash_on_word, WordProposal, FIXTURE_DATA)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        dask_client(1) as client,
    ):
        result = monitor(archive, out, linker, chunk_bytes=400, execute=on_dask(client))
    assert len(result.lost) == 1
    where = result.lost[0]
    assert where.startswith(f"{archive}: bytes ")
    start, end = (int(n) for n in where.rsplit(" ", 1)[1].split("-"))
    assert start <= offset < end
    done = {p.stem for p in (out / "_done").iterdir()}
    assert len(done) == result.chunks - 1
    assert result.documents < 21
    assert {r["doc_id"] for r in read_out(out)} == {f"n{i}" for i in range(0, 20, 3)} - {
        f"n{i}" for i in _ids_between(archive, start, end)
    }


def _ids_between(archive: Path, start: int, end: int) -> list[int]:
    """The numbers of the documents whose line starts in [start, end)."""
    found, at = [], 0
    for line in archive.read_bytes().splitlines(keepends=True):
        record = json.loads(line)
        if start <= at < end and record["id"].startswith("n"):
            found.append(int(record["id"][1:]))
        at += len(line)
    return found


def test_cli_runs_the_real_linker_on_a_local_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], two_workers: Client
) -> None:
    from pactwatch.link import load_agreements, propose

    out = tmp_path / "out"
    first = run_cli(capsys, "monitor", str(NEWS), "--out", str(out), "--workers", "1")
    assert first.code == 1  # one document has a date no one can read
    assert first.err == f"error: 1 document(s) failed; see {out / '_errors.jsonl'}\n"
    agreements = load_agreements()
    expected = []
    for line in NEWS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == "wire-0007":
            continue
        day = dt.date.fromisoformat(record["date"])
        for proposal in propose(record["text"], agreements, published=day):
            row = {"doc_id": record["id"], "doc_url": record["url"], "published": day}
            expected.append({**row, **proposal.model_dump(mode="json")})
    rows = read_out(out)
    assert expected  # the archive holds reports of acts under the agreements
    got = [{**r, "published": dt.date.fromisoformat(str(r["published"]))} for r in rows]
    want = sorted(expected, key=lambda r: (r["published"], r["doc_id"]))
    assert [_words_unordered(r) for r in got] == [_words_unordered(r) for r in want]
    dates = len({r["published"] for r in expected})
    assert first.out.endswith(
        f"{len(expected)} proposals over {dates} date(s) in {out}, 1 failed\n"
    )
    # a rerun, here on a running scheduler, skips the chunk done
    address = str(two_workers.scheduler_info()["address"])
    again = run_cli(
        capsys, "monitor", str(NEWS), "--out", str(out), "--format", "json", "--scheduler", address
    )
    assert again.code == 1
    summary = json.loads(again.out)
    assert (summary["skipped"], summary["ran_documents"], summary["failed"]) == (1, 0, 1)
    elsewhere = run_cli(
        capsys, "monitor", str(NEWS), "--out", str(tmp_path / "b"), "--scheduler", address
    )
    assert elsewhere.code == 1
    assert [_words_unordered(r) for r in read_out(tmp_path / "b")] == [
        _words_unordered(r) for r in rows
    ]


def _words_unordered(row: dict[str, Any]) -> dict[str, Any]:
    """A row with each link's reason as a sorted list of its parts: the linker lists words
    of equal weight in an order that varies from one process to another, and the workers
    are other processes than this one."""
    links = [
        {**link, "reason": sorted(re.split(r"[,;] |\bshares ", link["reason"]))}
        for link in row["links"]
    ]
    return {**row, "links": links}
