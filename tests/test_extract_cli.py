"""`pactwatch extract` and `pactwatch eval` at the edge: outputs, streams and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pactwatch.cli.app import app
from pactwatch.extract import draft
from pactwatch.model import Agreement

runner = CliRunner()
TEXT = (
    "Ukraine and Denmark sign a pact\n\n"
    "Denmark will send F-16 aircraft to Ukraine and train Ukrainian pilots.\n"
)


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Through the real entry point, so the edge that turns errors into lines is tested."""
    code = "from pactwatch.cli.app import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, "COLUMNS": "120"},
        check=False,
    )


def test_extract_prints_contract_json_with_spans_and_reasons(tmp_path: Path) -> None:
    source = tmp_path / "dk.txt"
    source.write_text(TEXT, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(source)])
    assert result.exit_code == 0, result.output
    agreement = Agreement.model_validate(json.loads(result.output))
    assert [p.spans[0].text_in(TEXT) for p in agreement.provisions] == [
        "Denmark will send F-16 aircraft to Ukraine",
        "train Ukrainian pilots",
    ]
    assert all(p.why for p in agreement.provisions), agreement.provisions


def test_extract_yaml_and_stdin() -> None:
    result = runner.invoke(app, ["extract", "-", "--format", "yaml"], input=TEXT)
    assert result.exit_code == 0, result.output
    assert Agreement.model_validate(yaml.safe_load(result.output)).parties == ["UA", "DK"]


def test_emit_text_writes_what_spans_count_in(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><nav>menu</nav><p>{TEXT}</p></body></html>", encoding="utf-8")
    emitted = tmp_path / "text.txt"
    result = runner.invoke(app, ["extract", str(page), "--emit-text", str(emitted)])
    assert result.exit_code == 0, result.output
    text = emitted.read_text(encoding="utf-8")
    agreement = Agreement.model_validate(json.loads(result.output))
    assert "menu" not in text
    assert agreement.provisions[0].spans[0].text_in(text).startswith("Denmark will send")


def test_jsonl_streams_one_result_per_line(tmp_path: Path) -> None:
    lines = [json.dumps({"id": i, "text": TEXT}) for i in range(3)] + ["{broken"]
    source = tmp_path / "docs.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run("extract", "--jsonl", str(source))
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["id"] for r in out[:3]] == [0, 1, 2] and "error" in out[3], out
    assert out[3]["error"].startswith(f"{source}:4:"), out[3]
    assert result.returncode == 1 and b"Traceback" not in result.stderr


def test_eval_reports_scores_as_json(tmp_path: Path) -> None:
    pred = tmp_path / "pred.json"
    pred.write_text(draft(TEXT).model_dump_json(), encoding="utf-8")
    result = runner.invoke(app, ["eval", str(pred), str(pred), "--format", "json"])
    scores = json.loads(result.output)
    assert (scores["precision"], scores["recall"], scores["actors"]) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (bytes(range(256)) * 100, "binary-input"),
        (None, "missing-file"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(tmp_path: Path, content: bytes | None, code: str) -> None:
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    result = _run("extract", str(path))
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and code in lines[0], result.stderr
    assert str(path) in lines[0]


def test_eval_of_a_broken_record_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nprovisions: [\n", encoding="utf-8")
    result = _run("eval", str(bad), str(bad))
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1, result.stderr


def test_usage_error_exits_2() -> None:
    assert _run("extract").returncode == 2


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe\xfd not valid utf-8 \xc3\x28 but mostly text that goes on and on.",
        b"Recipe: mix flour and water, then bake for forty minutes.",
        b"<html><body>" + b"<div><span>" * 3000 + b"broken <p>tags</html>",
    ],
)
def test_odd_inputs_give_a_valid_draft_with_a_warning(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(content)
    result = _run("extract", str(path))
    assert result.returncode in (0, 1), result.stderr
    if result.returncode == 0:
        agreement = Agreement.model_validate_json(result.stdout)
        assert any(note.startswith("warning") for note in agreement.notes), agreement.notes
    else:
        assert len(result.stderr.splitlines()) == 1, result.stderr


def test_a_16_mb_single_line_is_handled(tmp_path: Path) -> None:
    """Thousands of times the longest sentence read; the cost per MB is the benchmark's job."""
    path = tmp_path / "line.txt"
    chunk = b"without a single full stop the ministers talked about weapons and aid "
    path.write_bytes(chunk * (16 * 1024 * 1024 // len(chunk)))
    result = _run("extract", str(path))
    assert result.returncode == 0, result.stderr
    agreement = Agreement.model_validate_json(result.stdout)
    assert agreement.provisions == [] and any("not read" in n for n in agreement.notes)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_unicode_never_raises_and_validates(text: str) -> None:
    agreement = draft(text)
    Agreement.model_validate(agreement.model_dump(mode="json"))
    for provision in agreement.provisions:
        for span in provision.spans:
            assert 0 <= span.start < span.end <= len(text), span


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Romania will send tanks to Ukraine",
                "It will also train pilots",
                "The countries will meet every year",
                "This also applies to cyber defence",
                "Air defence",
                "£2 billion in 2024",
                ", and",
                ":",
                "\n\n",
                "(a)",
                "•",
            ]
        ),
        max_size=12,
    )
)
def test_shuffled_agreement_fragments_validate(parts: list[str]) -> None:
    text = ". ".join(parts)
    Agreement.model_validate(draft(text).model_dump(mode="json"))
