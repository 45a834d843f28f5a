"""Migrations build exactly the schema the model's metadata declares, on both backends."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from pactwatch.store import open_engine, tables
from pactwatch.store.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    include_object,
    migrate,
)


def _diff(url: str) -> list[Any]:
    engine = open_engine(url)
    try:
        with engine.begin() as connection:
            migrate(connection)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": include_object, "compare_type": True}
            )
            return list(compare_metadata(context, tables.metadata))
    finally:
        engine.dispose()


def test_migrations_match_metadata(db_url: str) -> None:
    diff = _diff(db_url)
    assert diff == [], f"migrations and tables.py differ; add a revision: {diff}"


def test_migrations_reach_head_and_downgrade_to_nothing(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        with engine.begin() as connection:
            migrate(connection)
            assert current_revision(connection) == head_revision()
        names = set(inspect(engine).get_table_names())
        assert {"agreements", "provisions", "history", "api_tokens"} <= names, names
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        left = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert left == set(), left
    finally:
        engine.dispose()


def test_migrating_twice_changes_nothing(db_url: str) -> None:
    assert _diff(db_url) == []
    assert _diff(db_url) == []
