"""The `pactwatch` application: registers each command group and guards the edges.

Every failure that reaches here becomes one line on stderr with exit code 1 (usage errors
keep Typer's exit code 2); a traceback is a bug.
"""

from __future__ import annotations

import sys

import typer
from sqlalchemy.exc import SQLAlchemyError

from pactwatch.cli import data_cmds, export_cmd, read_cmds, serve_cmds
from pactwatch.cli.errors import fail
from pactwatch.model import PactwatchError

app = typer.Typer(
    name="pactwatch",
    help="Security agreements as data: validate, load, query, check and export them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

for group in (data_cmds, read_cmds, export_cmd, serve_cmds):
    group.register(app)


def main() -> None:
    try:
        app(standalone_mode=True)
    except PactwatchError as error:
        print(error.problem.line(), file=sys.stderr)
        sys.exit(1)
    except SQLAlchemyError as error:
        fail(f"database: {str(getattr(error, 'orig', None) or error).splitlines()[0]}")
    except OSError as error:
        fail(f"{error.filename or ''}: {error.strerror or error}")
