"""How long a full garbage collection pauses the service, before and after `settle_heap`.

    .venv/bin/python -m benchmarks.heap_pause [--db FILE]

A full collection walks every tracked object; the service's own (routes, schemas, the
taxonomy, compiled statements, pages warmed once) live as long as the process, so each
full pass stalls every request in flight for as long as the walk takes. `pactwatch serve`
freezes them once the app is built. Prints the pause (CPU ms, best of five) of a bare
interpreter (the peer), of the warmed app, and of the same app once frozen.
Figures only: no thresholds.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pactwatch import verbs

WARM = [
    "/api/v1/provisions?domain=air_defence&limit=50",
    "/api/v1/search?domain=air_defence&limit=20",
    "/api/v1/compare",
    "/agreements/ua-ro-2024",
    "/",
]


def pause_ms() -> float:
    """CPU time of one full collection, best of five."""
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        gc.collect()
        best = min(best, (time.process_time() - started) * 1000)
    return best


def bare() -> float:
    code = "import gc,time\nt=time.process_time();gc.collect();print((time.process_time()-t)*1000)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="a loaded registry (default: data/ loaded afresh)")
    options = parser.parse_args()
    from fastapi.testclient import TestClient

    with tempfile.TemporaryDirectory() as scratch:
        db = options.db
        if db is None:
            db = str(Path(scratch) / "registry.db")
            verbs.load(db, [Path(__file__).resolve().parents[1] / "data"])
        client = TestClient(verbs.service(db))
        for url in WARM:
            client.get(url)
        objects = len(gc.get_objects())
        warmed = pause_ms()
        verbs.settle_heap()
        frozen = pause_ms()
        client.get(WARM[0])
    print(f"{'heap':32} {'objects':>9} {'full GC ms':>11}")
    print(f"{'bare interpreter (peer)':32} {'':>9} {bare():11.2f}")
    print(f"{'service, warmed':32} {objects:9,} {warmed:11.2f}")
    print(f"{'service, settled (frozen)':32} {gc.get_freeze_count():9,} {frozen:11.2f}")


if __name__ == "__main__":
    main()
