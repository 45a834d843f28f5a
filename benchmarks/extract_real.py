"""Extraction on real text, beside spaCy on the same bytes, and its time per MB as files grow.

Run: `.venv/bin/python -m benchmarks.extract_real` (spaCy from the `bench` extra:
`.venv/bin/pip install -e '.[bench]'`). Needs the official texts in ../shared/sources.

1. Throughput: every official text, and each cut into documents of about 2.5 KB at
   paragraph ends (as reports are), run through `extract_document` (the trained decisions,
   as `pactwatch extract` runs them) and through spaCy's blank English tokenizer +
   sentencizer, in the same process, one after the other, on the same strings. CPU time
   (process time), so a busy machine slows both alike.
2. Linear time: single files of 1, 8 and 32 MB made of official texts one after another,
   read as reports (a long file has no single structure) and as one agreement; the time
   per MB should stay flat.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from pactwatch.extract.linear import load_model
from pactwatch.extract.official import draft_official
from pactwatch.extract.report import draft_report
from pactwatch.extract.run import extract_document
from pactwatch.settings import official_texts_dir
from pactwatch.sources import read_document

PIECE = 2500


def official_texts() -> list[str]:
    folder = official_texts_dir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no official texts in {folder}")
    return texts


def cut(text: str, size: int = PIECE) -> list[str]:
    """Documents of about `size` characters, cut at paragraph ends."""
    pieces, start = [], 0
    while start < len(text):
        end = text.find("\n", start + size)
        end = len(text) if end < 0 else end + 1
        pieces.append(text[start:end])
        start = end
    return [p for p in pieces if p.strip()]


def cpu(work: Callable[[], object]) -> float:
    began = time.process_time()
    work()
    return time.process_time() - began


def spacy_pass(texts: list[str]) -> Callable[[], object]:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return lambda: sum(len(list(doc.sents)) for doc in nlp.pipe(texts, batch_size=64))


def ours(texts: list[str]) -> Callable[[], object]:
    documents = [read_document(t.encode("utf-8"), f"doc-{i}.txt") for i, t in enumerate(texts)]
    return lambda: [len(extract_document(d).provisions) for d in documents]


def throughput(name: str, texts: list[str]) -> None:
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    ours_s = cpu(ours(texts))
    try:
        peer_s = cpu(spacy_pass(texts))
    except ImportError:
        print(f"{name}: {size:.2f} MB, extract {size / ours_s:.2f} MB/s (spaCy not installed)")
        return
    print(
        f"{name:34} {len(texts):6d} docs {size:6.2f} MB   extract {size / ours_s:5.2f} MB/s   "
        f"spaCy blank+sentencizer {size / peer_s:5.2f} MB/s   ratio {peer_s / ours_s:4.2f}x"
    )


def linear(texts: list[str], sizes: list[int]) -> None:
    model = load_model()
    if model is None:
        raise SystemExit("no trained model: run `pactwatch train`")
    joined = "\n\n".join(texts)
    print(f"{'single file':12} {'as report s/MB':>15} {'as agreement s/MB':>18}")
    for mb in sizes:
        target = mb * 1_000_000
        text = (joined * (target // len(joined.encode("utf-8")) + 1))[:target]
        report = cpu(partial(draft_report, text, "big", model))
        agreement = cpu(partial(draft_official, text, "big", model))
        print(f"{mb:9d} MB {report / mb:15.2f} {agreement / mb:18.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,8,32", help="Single-file sizes in MB.")
    args = parser.parse_args()
    texts = official_texts()
    english = [t for t in texts if t.isascii() or "Agreement" in t[:3000]]
    load = Path("/proc/loadavg").read_text().split()[0]
    print(f"load: {load} (CPU time: a busy machine slows both alike)")
    throughput("official texts, whole", english)
    throughput("official texts, 2.5 KB documents", [p for t in english for p in cut(t)])
    linear(english, [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
