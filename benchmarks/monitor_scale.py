"""`pactwatch monitor` at scale: documents a second and peak memory per worker.

Run: `.venv/bin/python -m benchmarks.monitor_scale [--gb 1.0] [--small 0.1]`.

Generates a news archive of `--gb` gigabytes (benchmarks/news_archive.py: mostly unrelated
news, one in twenty a report of an act under Ukraine's agreements, a few broken records)
and a prefix of `--small` of it, then runs the monitor with the real linker over them,
each contender in its own process so memory is its own:

- loop: `monitor(..., execute=in_process)`, one process, no Dask: the peer;
- dask 1 / dask 2: a local cluster of one or two single-threaded worker processes;
- read floor (small archive): the loop with a linker that proposes nothing, what reading,
  checking and writing cost without linking.

Documents a second count the monitor's own run (chunks planned to chunks done), not
starting the cluster, which is printed apart. Peak RSS is each process that ran chunks
(the workers; for the loop, the process itself): it should be the same at both sizes,
since a worker holds one chunk's proposals and never the archive. The machine may be
shared: the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.news_archive import write_archive
from pactwatch.model import Agreement

CONTENDERS = ("loop", "dask1", "dask2", "floor")
DEFAULT_PLAN = ("floor:small", "loop:small", "dask2:small", "loop:big", "dask1:big", "dask2:big")


def no_link(
    text: str, agreements: Sequence[Agreement], *, published: dt.date | None = None
) -> list[Any]:
    """A linker that proposes nothing: what the pipeline costs around `propose`."""
    return []


def contender(name: str, archive: Path, out: Path, chunk_bytes: int) -> dict[str, Any]:
    """Run one contender in this process; its summary as JSON-ready data."""
    from pactwatch.link import propose
    from pactwatch.link.proposal import Proposal
    from pactwatch.monitor import Linker, in_process, monitor, on_dask, summary
    from pactwatch.settings import data_dir

    link = no_link if name == "floor" else propose
    linker = Linker(link, Proposal, (data_dir(),))
    started = time.perf_counter()
    if name in ("loop", "floor"):
        result = monitor(
            archive, out, linker, execute=in_process, chunk_bytes=chunk_bytes, redo=True
        )
        return {**summary(result), "startup": 0.0}
    from pactwatch.monitor.cluster import dask_client

    with dask_client(int(name.removeprefix("dask"))) as client:
        startup = time.perf_counter() - started
        result = monitor(
            archive, out, linker, execute=on_dask(client), chunk_bytes=chunk_bytes, redo=True
        )
    return {**summary(result), "startup": round(startup, 1)}


def _run(name: str, archive: Path, out: Path, chunk_bytes: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.monitor_scale", "--contender", name]
    command += [str(archive), str(out), "--chunk-bytes", str(chunk_bytes)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed: {done.stderr.strip().splitlines()[-1:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _prefix(source: Path, target: Path, size: int) -> None:
    with source.open("rb") as src, target.open("wb") as out:
        written = 0
        for line in src:
            if written >= size:
                break
            out.write(line)
            written += len(line)


def _row(label: str, size: int, result: dict[str, Any]) -> str:
    rate = result["documents"] / result["seconds"] if result["seconds"] else 0.0
    peaks = sorted(result["peak_rss_mb"].values())
    memory = ", ".join(f"{mb:.0f}" for mb in peaks)
    return (
        f"{label:<11} {size / 1e9:>6.2f} GB {result['documents']:>9,} {result['proposals']:>8,} "
        f"{result['failed']:>5} {result['startup']:>7.1f} {result['seconds']:>8.1f} "
        f"{rate:>9,.0f}   {memory}"
    )


def _pairs(plan: str) -> list[tuple[str, str]]:
    pairs = [tuple(item.split(":", 1)) for item in plan.split(",")]
    for pair in pairs:
        if len(pair) != 2 or pair[0] not in CONTENDERS or pair[1] not in ("small", "big"):
            raise SystemExit(f"--plan: {':'.join(pair)!r} is not CONTENDER:small|big")
    return [(pair[0], pair[1]) for pair in pairs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=1.0, help="Archive size in GB.")
    parser.add_argument("--small", type=float, default=0.1, help="The smaller size's share.")
    parser.add_argument("--chunk-bytes", type=int, default=16_000_000)
    parser.add_argument(
        "--keep",
        type=Path,
        help="Write the archives and output here (an archive already "
        "there, of the size asked, is used again).",
    )
    parser.add_argument(
        "--plan",
        default=",".join(DEFAULT_PLAN),
        help="Contender:size pairs to run, in order (size: small or big).",
    )
    parser.add_argument("--contender", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.contender:
        archive, out = args.paths
        print(json.dumps(contender(args.contender, archive, out, args.chunk_bytes)))
        return
    pairs = _pairs(args.plan)
    with tempfile.TemporaryDirectory(prefix="monitor-scale-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        big, small = root / "archive.jsonl", root / "archive-small.jsonl"
        started = time.perf_counter()
        if not big.is_file() or abs(big.stat().st_size - args.gb * 1e9) > 1e5:
            write_archive(big, int(args.gb * 1e9))
            _prefix(big, small, int(args.gb * args.small * 1e9))
        sizes = {big: big.stat().st_size, small: small.stat().st_size}
        with big.open("rb") as handle:
            documents = sum(1 for _ in handle)
        print(
            f"archive: {documents:,} documents, {sizes[big] / 1e9:.2f} GB "
            f"(ready in {time.perf_counter() - started:.0f} s); "
            f"chunks of {args.chunk_bytes / 1e6:.0f} MB; {os.cpu_count()} cores; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        archives = {"small": small, "big": big}
        plan = [(name, archives[size]) for name, size in pairs]
        print(
            f"{'contender':<11} {'archive':>9} {'documents':>9} {'proposed':>8} {'bad':>5} "
            f"{'start s':>7} {'run s':>8} {'docs/s':>9}   peak RSS per worker (MB)"
        )
        for name, archive in plan:
            out = root / f"out-{name}-{archive.stem}"
            result = _run(name, archive, out, args.chunk_bytes)
            print(_row(name, sizes[archive], result), flush=True)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
