"""`flask db`: Flask-Migrate's commands, loaded when one of them runs. Alembic
(with Mako and Pygments, some 11 MiB) is then imported by that command only, not
by every web worker and sender."""

from typing import Any

import click
from flask import Flask, g
from flask.cli import ScriptInfo, with_appcontext

from core.config import ROOT
from core.db import db


def init_migrations(app: Flask) -> None:
    """Bind Flask-Migrate to the app, as `flask db` and flask_migrate's functions
    (upgrade, downgrade, check) expect."""
    from flask_migrate import Migrate

    Migrate(app, db, render_as_batch=True, directory=str(ROOT / "migrations"))


class MigrationCommands(click.Group):
    """Stands in for Flask-Migrate's `db` group until it is used."""

    def _commands(self, ctx: click.Context) -> click.Group:
        from flask_migrate.cli import db as commands

        init_migrations(ctx.ensure_object(ScriptInfo).load_app())
        return commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands(ctx).list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> Any:
        return self._commands(ctx).get_command(ctx, name)


@click.group("db", cls=MigrationCommands)
@click.option(
    "-d",
    "--directory",
    default=None,
    help='Migration script directory (default is "migrations")',
)
@click.option(
    "-x",
    "--x-arg",
    multiple=True,
    help="Additional arguments consumed by custom env.py scripts",
)
@with_appcontext
def migrations_cli(directory: str | None, x_arg: tuple[str, ...]) -> None:
    """Perform database migrations."""
    # What Flask-Migrate's own group does: its commands read these.
    g.directory = directory
    g.x_arg = x_arg
