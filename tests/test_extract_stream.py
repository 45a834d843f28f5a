"""The streaming extractor's results: one per line, drafts and errors alike."""

from __future__ import annotations

import json

from pactwatch.extract.run import extract_stream


def test_each_line_gives_a_result_whose_json_line_matches_its_dict() -> None:
    lines = [
        json.dumps({"id": "a", "text": "Norway will provide training to Ukraine."}),
        "",
        "{not json",
        json.dumps({"id": 7, "body": "no text field"}),
    ]
    results = list(extract_stream(lines, "batch.jsonl"))
    assert [r.ident for r in results] == ["a", None, None]
    for result in results:
        assert json.loads(result.json_line()) == json.loads(json.dumps(result.as_dict()))
    first, bad_json, no_text = (r.as_dict() for r in results)
    assert first["agreement"]["provisions"][0]["actors"] == ["NO"]
    assert bad_json["error"].startswith("batch.jsonl:3: not JSON")
    assert "batch.jsonl:4" in no_text["error"] and "text" in no_text["error"]
