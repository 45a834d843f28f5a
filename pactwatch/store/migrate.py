"""Schema changes as Alembic migrations shipped inside the package, run from code.

`load` and `serve` call `migrate` first, so a registry made by an older Pactwatch is
brought up to date before it is used, and a new one is created by the same revisions
(never by `create_all`), on SQLite and PostgreSQL. To change the schema, change
`tables.py` (or add a module on the same metadata, e.g. `events.py`), then add a revision
under `migrations/versions/` whose `down_revision` is the current head; the test
`test_migrations_match_metadata` fails until the two agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
IGNORED_PREFIXES = ("provisions_fts", "sqlite_")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave SQLite's FTS5 shadow tables and PostgreSQL's expression index to their own code."""
    if name is None:
        return True
    if type_ == "table" and name.startswith(IGNORED_PREFIXES):
        return False
    return not (type_ == "index" and name == "ix_provisions_search")


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic is imported here, not with the module: a command that only reads (`due`,
    `list`) never migrates, and importing Alembic (with Mako) cost it a tenth of a second."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(connection: Connection) -> None:
    """Bring the schema to the newest revision inside the caller's transaction."""
    from alembic import command

    command.upgrade(alembic_config(connection), "head")


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
