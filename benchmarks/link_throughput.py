"""Throughput of `pactwatch.link.propose`, beside the floor of one gazetteer scan.

Run: `.venv/bin/python -m benchmarks.link_throughput [--docs 20000]`. A monitor calls
`propose` once per document over archives where most documents name no party, so two
mixes are timed, each beside the least work any linker does on the same texts (one scan
with the extractor's compiled gazetteer regex):

- irrelevant: news-like paragraphs naming no party (the pre-check's case);
- relevant: our own reports in data/links, repeated.

Figures are CPU seconds in this process (agreements and word lists loaded first, outside
the timing), and documents a second.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from pactwatch.extract.lexicon import load_lexicon
from pactwatch.link import load_agreements, propose

WORDS = re.findall(
    r"\w+",
    "the council met on tuesday to discuss the budget while the mayor said the bridge "
    "would reopen after repairs and the weather service warned of storms over the coast "
    "schools closed early and the league postponed two matches as the river rose",
)


def _irrelevant(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(80, 220))).capitalize() + "."
        for _ in range(count)
    ]


def _relevant(count: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path("data/links").glob("*.txt"))]
    return [texts[i % len(texts)] for i in range(count)]


def _cpu(run: Callable[[], int]) -> tuple[float, int]:
    start = time.process_time()
    found = run()
    return time.process_time() - start, found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=20000)
    args = parser.parse_args()
    agreements = load_agreements()
    pattern = load_lexicon().place_re
    propose("Romania delivered a Patriot system to Ukraine today.", agreements)  # warm up
    for name, texts in (
        ("irrelevant", _irrelevant(args.docs)),
        ("relevant", _relevant(max(1, args.docs // 10))),
    ):
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        took, proposed = _cpu(lambda t=texts: sum(len(propose(x, agreements)) for x in t))  # type: ignore[misc]
        floor, _ = _cpu(lambda t=texts: sum(1 for x in t for _ in pattern.finditer(x)))  # type: ignore[misc]
        print(
            f"{name}: {len(texts)} docs, {mb:.1f} MB; propose {took:.2f} s "
            f"({len(texts) / max(took, 1e-9):,.0f} docs/s, {mb / max(took, 1e-9):.1f} MB/s, "
            f"{proposed} proposals); gazetteer scan {floor:.2f} s "
            f"({mb / max(floor, 1e-9):.1f} MB/s); ratio {took / max(floor, 1e-9):.1f}x"
        )


if __name__ == "__main__":
    main()
