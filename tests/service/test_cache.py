"""The response cache stays within its byte budget; the generation memo forgets on write."""

from __future__ import annotations

from pathlib import Path

from pactwatch.api import ServiceConfig
from pactwatch.sources import SourceLibrary
from pactwatch.store import open_engine


def config(tmp_path: Path, budget: int) -> ServiceConfig:
    engine = open_engine(str(tmp_path / "r.db"))
    return ServiceConfig(engine, SourceLibrary(tmp_path), cache_bytes=budget)


def test_cache_keeps_within_its_byte_budget(tmp_path: Path) -> None:
    cfg = config(tmp_path, budget=800)
    for i in range(7):
        cfg.keep(("g", f"/{i}"), (b"x" * 100, "text/plain"))
    assert cfg.cached_bytes == 700 and len(cfg.cache) == 7
    cfg.keep(("g", "/7"), (b"x" * 100, "text/plain"))
    cfg.keep(("g", "/8"), (b"x" * 100, "text/plain"))
    assert cfg.cached_bytes <= 800 and ("g", "/8") in cfg.cache, cfg.cached_bytes
    cfg.keep(("g", "/big"), (b"x" * 101, "text/plain"))
    assert ("g", "/big") not in cfg.cache, "one answer may take at most an eighth of the budget"
    cfg.engine.dispose()


def test_generation_memo_is_forgotten_by_a_write(tmp_path: Path) -> None:
    cfg = config(tmp_path, budget=1000)
    epoch = cfg.epoch
    cfg.remember_generation("g1", epoch)
    assert cfg.remembered_generation() == "g1"
    cfg.forget_generation()
    assert cfg.remembered_generation() is None
    cfg.remember_generation("g0", epoch)
    assert cfg.remembered_generation() is None, "a read that began before the write is dropped"
    cfg.engine.dispose()
