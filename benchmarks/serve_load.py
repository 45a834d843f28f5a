"""Load the service with wrk and compare it with Datasette on the same SQLite file.

    .venv/bin/pip install -e '.[bench]'      # Datasette, pinned
    apt-get install -y wrk
    .venv/bin/python -m benchmarks.serve_load [--provisions 100000] [--seconds 10] [--real]

Builds a registry of synthetic agreements (50 by default, 100,000 provisions in all),
starts `pactwatch serve` on 127.0.0.1 (with its response cache, then without), and
Datasette on the same file (immutable, `suggest_facets` off, `_nocount=1`), then runs wrk
for a fixed time at 32 connections against: a filtered provisions JSON query, a
facet/matrix query and an agreement's HTML page (Datasette: the equivalent filtered JSON
query). Prints requests/s, p50 and p99, and the ratios. Figures only, no thresholds: the
machine may be shared with other work, so repeat a run before trusting a difference.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from pactwatch.model import Agreement, Provision, Source, Span
from pactwatch.model.taxonomy import domains
from pactwatch.store import load_registry, open_engine

PARTNERS = (
    "GB",
    "DE",
    "FR",
    "DK",
    "CA",
    "IT",
    "NL",
    "FI",
    "LV",
    "ES",
    "BE",
    "PT",
    "SE",
    "IS",
    "NO",
    "JP",
    "US",
    "EU",
    "EE",
    "LT",
    "PL",
    "LU",
    "RO",
    "CZ",
    "SI",
    "IE",
    "GR",
    "AL",
    "AT",
    "HR",
    "BG",
    "CY",
    "HU",
    "MT",
    "SK",
    "AU",
    "NZ",
    "KR",
    "MD",
    "GE",
    "AM",
    "TR",
    "CH",
    "LI",
    "MC",
    "SM",
    "AD",
    "ME",
    "MK",
    "RS",
)
VERBS = ("transfer", "train", "support", "fund", "supply", "help", "deliver", "develop")
OBJECTS = ("air defence systems", "artillery shells", "pilots", "demining teams", "drones")
KINDS = ("action", "support", "declaration", "mechanism")


def synthetic_registry(n_agreements: int, n_provisions: int, seed: int = 7) -> list[Agreement]:
    """Reproducible agreements with provisions spread over partners, domains and kinds."""
    rng = random.Random(seed)
    ids = [d.id for d in domains()]
    per = n_provisions // n_agreements
    out = []
    for i in range(n_agreements):
        partner = PARTNERS[i % len(PARTNERS)]
        signed = date(2024, 1, 1) + timedelta(days=7 * i)
        provisions = [
            Provision(
                id=f"p{j:05d}",
                section=f"Section {j // 100}",
                actors=[rng.choice((partner, "UA"))],
                beneficiaries=["UA"],
                action=rng.choice(VERBS),
                object=f"{rng.choice(OBJECTS)} batch {j}",
                domains=rng.sample(ids, rng.randint(1, 3)),
                kind=rng.choice(KINDS),
                spans=[Span(source="s", start=j * 10, end=j * 10 + 8)],
            )
            for j in range(per)
        ]
        out.append(
            Agreement(
                id=f"ua-{partner.lower()}-{i:02d}",
                title=f"Synthetic agreement {i} with {partner}",
                parties=["UA", partner],
                signed_on=signed,
                sources=[Source(id="s", title=f"Synthetic source {i}")],
                provisions=provisions,
            )
        )
    return out


def provision_record(engine: Engine, agreement_id: str) -> dict[str, Any]:
    """One stored provision of the agreement, as the body a curator's edit would send."""
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT record FROM provisions WHERE agreement_id = :a LIMIT 1"),
            {"a": agreement_id},
        ).scalar_one()
    record: dict[str, Any] = json.loads(found)
    return record


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not become ready")


@dataclass(frozen=True)
class Figures:
    label: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if match is None:
        return float("nan")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def wrk(
    label: str, url: str, seconds: int, connections: int = 32, headers: Sequence[str] = ()
) -> Figures:
    """Run wrk (bounded: fixed duration and connections, loopback only) and parse it."""
    wait_ready(url)
    args = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", "--latency", "--timeout", "5s"]
    args += [part for h in headers for part in ("-H", h)]
    subprocess.run([*args, "-d1s", url], capture_output=True, check=True)  # warm-up, discarded
    run = subprocess.run([*args, f"-d{seconds}s", url], capture_output=True, text=True, check=True)
    out = run.stdout
    rps_match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50_match = re.search(r"^\s*50%\s+(\S+)", out, re.MULTILINE)
    p99_match = re.search(r"^\s*99%\s+(\S+)", out, re.MULTILINE)
    if not (rps_match and p50_match and p99_match):
        print(f"could not read wrk's output for {label}:\n{out}", file=sys.stderr)
        return Figures(label, 0.0, float("nan"), float("nan"), -1)
    rps, p50, p99 = float(rps_match.group(1)), _ms(p50_match.group(1)), _ms(p99_match.group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    return Figures(label, rps, p50, p99, errors)


def serve(command: list[str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(f"http://127.0.0.1:{port}/")
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def measure_pactwatch(db: Path, seconds: int, cache: bool, target: str) -> list[Figures]:
    port = free_port()
    bin_dir = Path(sys.executable).parent
    command = [str(bin_dir / "pactwatch"), "serve", "--db", str(db), "--port", str(port)]
    process = serve([*command, "--cache" if cache else "--no-cache"], port)
    base = f"http://127.0.0.1:{port}"
    tag = "cached" if cache else "no cache"
    try:
        return [
            wrk(
                f"pactwatch filtered JSON ({tag})",
                f"{base}/api/v1/provisions?domain=air_defence&agreement={target}&limit=50",
                seconds,
            ),
            wrk(
                f"pactwatch facets ({tag})",
                f"{base}/api/v1/search?domain=air_defence&agreement={target}&limit=20",
                seconds,
            ),
            wrk(f"pactwatch matrix ({tag})", f"{base}/api/v1/compare", seconds),
            wrk(f"pactwatch agreement HTML ({tag})", f"{base}/agreements/{target}", seconds),
        ]
    finally:
        stop(process)


def measure_datasette(db: Path, seconds: int, target: str) -> list[Figures]:
    port = free_port()
    datasette = shutil.which("datasette", path=str(Path(sys.executable).parent))
    if datasette is None:
        raise SystemExit("datasette is not installed: pip install -e '.[bench]'")
    settings = ["--setting", "suggest_facets", "off", "--setting", "default_page_size", "50"]
    process = serve([datasette, "serve", "-i", str(db), "-p", str(port), *settings], port)
    base = f"http://127.0.0.1:{port}/{db.stem}"
    try:
        return [
            wrk(
                "datasette filtered JSON",
                f"{base}/provisions.json?primary_domain=air_defence&agreement_id={target}"
                "&_nocount=1&_size=50",
                seconds,
            )
        ]
    finally:
        stop(process)


def report(rows: list[Figures], peer: Figures) -> None:
    print(f"\n{'query':44} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'vs ds':>6}")
    for f in rows:
        ratio = f.rps / peer.rps if peer.rps else float("nan")
        print(
            f"{f.label:44} {f.rps:9.0f} {f.p50_ms:8.1f} {f.p99_ms:8.1f} {f.errors:8d} {ratio:6.2f}"
        )
    print(
        "\nFloors from the issue: filtered JSON at least Datasette's req/s, p99 under 100 ms at "
        "32 connections. The machine is shared: figures are noisy."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--agreements", type=int, default=50)
    parser.add_argument("--provisions", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--real",
        action="store_true",
        help="Serve the curated dataset (data/: every coded agreement) instead of a synthetic one.",
    )
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        started = time.perf_counter()
        if options.real:
            from pactwatch import verbs

            report_ = verbs.load(str(db))
            target = "ua-ro-2024"
        else:
            agreements = synthetic_registry(options.agreements, options.provisions)
            engine = open_engine(str(db))
            report_ = load_registry(engine, agreements)
            engine.dispose()
            target = agreements[12].id
        took = time.perf_counter() - started
        print(f"registry: {report_.agreements} agreements, {report_.provisions} provisions, ")
        print(f"built and loaded in {took:.1f}s ({db.stat().st_size / 1e6:.0f} MB)")
        peer = measure_datasette(db, options.seconds, target)[0]
        rows = measure_pactwatch(db, options.seconds, True, target)
        rows += measure_pactwatch(db, options.seconds, False, target)
        report([*rows, peer], peer)


if __name__ == "__main__":
    main()
