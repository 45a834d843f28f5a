"""Throughput and memory of `pactwatch extract --jsonl`, beside two peers, on the same bytes.

Run: `.venv/bin/python -m benchmarks.extract_throughput [--mb 50]` (spaCy from the `bench`
extra: `.venv/bin/pip install -e '.[bench]'`). Each contender runs in its own process on the
same JSON-lines file, so peak RSS (from the kernel's rusage) is per contender:

- extract: the CLI, one process, results written to /dev/null;
- regex floor: one compiled regex of the gazetteer scanned over every text, the least work
  any extractor does;
- spaCy: `spacy.blank("en")` tokenizer + sentencizer through `nlp.pipe`.

Extraction also runs on a 10 MB prefix: its peak RSS should be flat from 10 MB to 50 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import write_jsonl


def _texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle]


def peer_regex(path: Path) -> int:
    """The floor: one scan of each text with the compiled gazetteer regex."""
    from pactwatch.extract.lexicon import load_lexicon

    pattern = load_lexicon().place_re
    found = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            found += sum(1 for _ in pattern.finditer(json.loads(line)["text"]))
    return found


def peer_spacy(path: Path) -> int:
    """spaCy's blank English tokenizer and rule-based sentencizer, streamed with nlp.pipe."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    with path.open(encoding="utf-8") as handle:
        texts = (json.loads(line)["text"] for line in handle)
        return sum(len(list(doc.sents)) for doc in nlp.pipe(texts, batch_size=64))


def _measure(command: list[str]) -> tuple[float, float, int]:
    """Wall time, CPU time and peak RSS (MB) of a child process.

    The machine may be shared: CPU time (user + system) is the steadier figure when other
    work competes for the cores; wall time is what a user waits.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(
            f"{command[2:]} failed: {process.stderr.read().decode() if process.stderr else ''}"
        )
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def _extract_cmd(path: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from pactwatch.cli.app import main; main()",
        "extract",
        "--jsonl",
        str(path),
    ]


def _peer_cmd(name: str, path: Path) -> list[str]:
    return [sys.executable, "-m", "benchmarks.extract_throughput", "--peer", name, str(path)]


def _prefix(source: Path, target: Path, megabytes: int) -> tuple[int, int]:
    count = size = 0
    with source.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as out:
        for line in src:
            if size >= megabytes * 1_000_000:
                break
            out.write(line)
            count += 1
            size += len(json.loads(line)["text"].encode("utf-8"))
    return count, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50, help="Corpus size in MB (at least 50).")
    parser.add_argument("--peer", choices=["regex", "spacy"], help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        print(peer_regex(args.path) if args.peer == "regex" else peer_spacy(args.path))
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus, small = Path(tmp) / "corpus.jsonl", Path(tmp) / "small.jsonl"
        docs, size = write_jsonl(corpus, args.mb * 1_000_000)
        small_docs, small_size = _prefix(corpus, small, 10)
        print(f"corpus: {docs} documents, {size / 1e6:.1f} MB of text (10 MB prefix: {small_docs})")
        rows = [
            ("extract --jsonl (10 MB)", small_docs, small_size, _measure(_extract_cmd(small))),
            ("extract --jsonl", docs, size, _measure(_extract_cmd(corpus))),
            ("regex gazetteer scan", docs, size, _measure(_peer_cmd("regex", corpus))),
        ]
        try:
            import spacy  # noqa: F401
        except ImportError:
            print("spaCy not installed (pip install -e '.[bench]'): its row is skipped")
        else:
            rows.append(
                ("spaCy blank en + sentencizer", docs, size, _measure(_peer_cmd("spacy", corpus)))
            )
    print(f"load average: {os.getloadavg()[0]:.2f} (figures are noisy on a shared machine)")
    print(f"{'contender':32} {'docs/s':>9} {'MB/s':>7} {'CPU MB/s':>9} {'peak RSS MB':>12}")
    rates = {}
    for name, count, nbytes, (elapsed, cpu, rss) in rows:
        rates[name] = nbytes / elapsed / 1e6
        per_cpu = nbytes / max(cpu, 1e-9) / 1e6
        print(f"{name:32} {count / elapsed:9.0f} {rates[name]:7.2f} {per_cpu:9.2f} {rss:12d}")
    ours = rates["extract --jsonl"]
    for name, rate in rates.items():
        if not name.startswith("extract"):
            print(f"extract / {name}: {ours / rate:.2f}x")
    print(f"floor 2 MB/s: {'met' if ours >= 2 else 'NOT met'} ({ours:.2f} MB/s)")


if __name__ == "__main__":
    main()
