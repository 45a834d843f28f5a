"""Time every export format over the curated dataset: `python benchmarks/bench_exports.py`.

Exports run on request (CLI, and the web's /data page later), so each should stay well
under a second for the whole registry on a small machine.
"""

from __future__ import annotations

import time

from pactwatch.curate import load_dataset
from pactwatch.export import exporter_for, formats
from pactwatch.settings import data_dir


def main() -> None:
    agreements = [item.record for item in load_dataset([data_dir()]).agreements]
    for name in formats():
        started = time.perf_counter()
        exporter = exporter_for(name)
        for agreement in agreements:
            exporter.write(agreement)
        size = len(exporter.finalize())
        elapsed = time.perf_counter() - started
        print(f"{name:12} {elapsed * 1000:8.1f} ms {size:10d} bytes")


if __name__ == "__main__":
    main()
