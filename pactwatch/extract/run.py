"""The extract and eval verbs as library functions, for the CLI and for notebooks.

`extract_stream` reads one JSON object per line and yields one result per line, so memory
stays flat however many documents flow through; a bad line becomes an error result, not
the end of the run.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pactwatch.extract.evaluate import Scores, score
from pactwatch.extract.extractor import draft
from pactwatch.extract.lexicon import load_lexicon
from pactwatch.extract.linear import load_model
from pactwatch.extract.official import draft_official, looks_like_agreement
from pactwatch.extract.report import draft_report
from pactwatch.model import Agreement, PactwatchError
from pactwatch.sources import Document, read_document

MAX_BYTES = 200 * 1024 * 1024


def source_id(name: str) -> str:
    """A slug for a file name ("reports/Kyiv Post.html" -> "kyiv-post")."""
    stem = _stem(name) if name not in {"-", "<stdin>"} else "stdin"
    slug = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._")
    return slug[:60] or "input"


def read_input(path: str, data: bytes | None = None, fmt: str = "auto") -> Document:
    """Bytes from a file (or given), decoded into a Document; one-line errors for bad input."""
    name = "<stdin>" if path == "-" else path
    if data is None:
        file = Path(path)
        if file.is_dir():
            raise PactwatchError.at(name, "", "not-a-file", "is a folder; give a text or HTML file")
        if not file.is_file():
            raise PactwatchError.at(name, "", "missing-file", "no such file")
        if file.stat().st_size > MAX_BYTES:
            raise PactwatchError.at(name, "", "input-too-large", "larger than 200 MB")
        data = file.read_bytes()
    return read_document(data, name, fmt)  # type: ignore[arg-type]


def _file_name(name: str) -> str:
    """`Path(name).name` without building a Path: a batch names thousands of documents."""
    parts = [part for part in name.split("/") if part and part != "."]
    return parts[-1] if parts else ""


def _stem(name: str) -> str:
    """`Path(name).stem`, by pathlib's rule: a suffix is a last dot neither first nor last."""
    base = _file_name(name)
    dot = base.rfind(".")
    return base[:dot] if 0 < dot < len(base) - 1 else base


def extract_document(document: Document, ident: str | None = None) -> Agreement:
    """The draft Agreement for a decoded document, its source fingerprinted.

    With a trained model (`pactwatch train`), an agreement's own text (numbered divisions,
    "the Participants") is drafted over its structure and a report line by line, each by
    the trained decisions; without one, by the rules alone."""
    sid = source_id(ident or document.name)
    base = _file_name(document.name)
    sha, filename = document.sha256, base if document.name != "<stdin>" else ""
    model = load_model()
    if model is None:
        return draft(document.text, source_id=sid, name=base, sha256=sha, filename=filename)
    if looks_like_agreement(document.text):
        return draft_official(document.text, sid, model, name=base, sha256=sha, filename=filename)
    return draft_report(document.text, sid, model, name=base, sha256=sha, filename=filename)


@dataclass(frozen=True)
class StreamResult:
    """One line's outcome: its draft or its one-line error."""

    ident: Any
    agreement: Agreement | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        if self.agreement is None:
            return {"id": self.ident, "error": self.error}
        return {"id": self.ident, "agreement": self.agreement.model_dump(mode="json")}

    def json_line(self) -> str:
        """The result as one JSON line; the draft is serialised by pydantic in one call
        (a dict and `json.dumps` cost about as much again)."""
        head = json.dumps(self.ident, ensure_ascii=False)
        if self.agreement is None:
            return f'{{"id": {head}, "error": {json.dumps(self.error, ensure_ascii=False)}}}\n'
        return f'{{"id": {head}, "agreement": {self.agreement.model_dump_json()}}}\n'


def prepare_batch() -> None:
    """Get a process ready for a long run of documents.

    The lexicon, its regexes and the models made at start live for the whole run, while
    each document makes and drops its own objects: loading the lexicon first and freezing
    what exists keeps the cyclic collector from walking those long-lived objects again at
    every collection (about 3% of a long run's time).
    """
    load_lexicon()
    gc.collect()
    gc.freeze()


def extract_stream(lines: Iterable[str], origin: str = "<stdin>") -> Iterator[StreamResult]:
    """One result per input line: a draft, or the error that line gave."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        ident: Any = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise PactwatchError.at(
                    f"{origin}:{number}", "text", "bad-jsonl", 'expected {"id": ..., "text": "..."}'
                )
            ident = item.get("id", number)
            document = read_document(item["text"].encode("utf-8"), f"{origin}:{number}", "auto")
            agreement = extract_document(document, str(ident))
            yield StreamResult(ident, agreement=agreement)
        except json.JSONDecodeError as error:
            yield StreamResult(ident, error=f"{origin}:{number}: not JSON ({error.msg})")
        except PactwatchError as error:
            yield StreamResult(ident, error=error.problem.line())
        except Exception as error:  # one bad document must not end a batch
            reason = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            yield StreamResult(ident, error=f"{origin}:{number}: extraction failed ({reason})")


def load_agreement(path: Path) -> Agreement:
    """An Agreement from a JSON or YAML file, with a one-line error naming the file."""
    if not path.is_file():
        raise PactwatchError.at(str(path), "", "missing-file", "no such file")
    try:
        raw = path.read_text(encoding="utf-8")
        data = json.loads(raw) if path.suffix == ".json" else yaml.safe_load(raw)
        return Agreement.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PactwatchError.at(str(path), where, "invalid-record", first["msg"]) from None
    except (ValueError, UnicodeDecodeError) as error:
        message = str(error).splitlines()[0]
        raise PactwatchError.at(str(path), "", "unreadable-record", message) from None
    except Exception as error:  # YAML errors carry marks; keep only the first line
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise PactwatchError.at(str(path), "", "unreadable-record", message) from None


def evaluate(pred: Path, gold: Path) -> Scores:
    return score(load_agreement(pred), load_agreement(gold))
