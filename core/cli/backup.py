"""`flask backup PATH`: a consistent copy of the SQLite database while web and worker
keep running. PostgreSQL has pg_dump for this (docs/operations.md)."""

import sqlite3
from contextlib import closing
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH, a new file (SQLite's online backup API:
    consistent even while mails go out; a plain `cp` may copy half a write)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        raise click.UsageError(
            "This is for SQLite; back up PostgreSQL with pg_dump --format=custom "
            "(docs/operations.md)."
        )
    if path.exists():
        raise click.UsageError(f"{path} exists; name a new file.")
    with (
        closing(sqlite3.connect(str(url.database))) as source,
        closing(sqlite3.connect(path)) as target,
    ):
        source.backup(target)
    click.echo(f"Backed up {url.database} to {path}.")
