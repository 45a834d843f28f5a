"""The `pactwatch` application: registers each command group and guards the edges.

Every failure that reaches here becomes one line on stderr with exit code 1 (usage errors
keep Typer's exit code 2); a traceback is a bug.

Command modules import what a command needs inside the command, so starting any command
(or asking for `--help`) does not first load the database, the web service and every
export format.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, cast

import typer

from pactwatch.cli import (
    data_cmds,
    event_cmds,
    export_cmd,
    extract_cmd,
    import_cmd,
    link_cmds,
    monitor_cmd,
    read_cmds,
    rules_cmds,
    serve_cmds,
    text_cmds,
)
from pactwatch.cli.errors import fail

if TYPE_CHECKING:
    from pactwatch.model import PactwatchError

app = typer.Typer(
    name="pactwatch",
    help="Security agreements as data: validate, load, query, check and export them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"pactwatch {version('pactwatch')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the installed version and exit.",
        ),
    ] = False,
) -> None:
    """Security agreements as data: validate, load, query, check and export them."""


for group in (
    data_cmds,
    read_cmds,
    extract_cmd,
    export_cmd,
    import_cmd,
    rules_cmds,
    event_cmds,
    serve_cmds,
    text_cmds,
    link_cmds,
    monitor_cmd,
):
    group.register(app)


def main() -> None:
    try:
        app(standalone_mode=True)
    except Exception as error:
        _exit_on(error)
        raise


def _exit_on(error: Exception) -> None:
    """Exit with one line for the failures a person can act on; anything else is a bug and
    keeps its traceback (the caller re-raises)."""
    if isinstance(error, _loaded("pactwatch.model.problems", "PactwatchError")):
        print(cast("PactwatchError", error).problem.line(), file=sys.stderr)
        sys.exit(1)
    if isinstance(error, _loaded("sqlalchemy.exc", "SQLAlchemyError")):
        fail(f"database: {str(getattr(error, 'orig', None) or error).splitlines()[0]}")
    if isinstance(error, OSError):
        fail(f"{error.filename or ''}: {error.strerror or error}")


class _NeverRaised(Exception):
    pass


def _loaded(module: str, name: str) -> type[Exception]:
    """An error class, looked up only if its module was imported: when it was not, the error
    cannot be one of its kind, and importing SQLAlchemy just to check would slow every
    command."""
    found = sys.modules.get(module)
    return cast("type[Exception]", getattr(found, name, _NeverRaised))
