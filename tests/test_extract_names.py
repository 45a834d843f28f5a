"""Source names of a batch are read with string operations that must agree with pathlib."""

from __future__ import annotations

from pathlib import PurePosixPath

from hypothesis import given
from hypothesis import strategies as st

from pactwatch.extract.run import _file_name, _stem, source_id

_PATHS = st.text(alphabet="ab./ :-_0", max_size=20)


@given(_PATHS)
def test_file_name_and_stem_agree_with_pathlib(name: str) -> None:
    assert _file_name(name) == PurePosixPath(name).name
    assert _stem(name) == PurePosixPath(name).stem


def test_source_id_of_a_batch_line_and_a_report() -> None:
    assert source_id("reports/Kyiv Post.html") == "kyiv-post"
    assert source_id("batch.jsonl:12") == "batch"
    assert source_id("<stdin>") == "stdin"
