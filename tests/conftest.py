"""Fixtures: the test database (a SQLite file, or PostgreSQL via TEST_DATABASE_URL)
with its schema built once per session and emptied before each test; one app for
the session, its settings restored before each test; its client and CLI runner; a
real SMTP server on loopback; users of every role.

Data for a test comes from `tests/factories.py`, forms and logins through the real
pages from `tests/http.py`.
"""

import copy
import gc
import itertools
import os
import uuid
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import (
    JSON,
    Connection,
    Executable,
    Table,
    Text,
    cast,
    create_engine,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import scoped_session
from sqlalchemy.pool import NullPool

from core.app import create_app
from core.auth import create_user
from core.cli.migrations import init_migrations
from core.config import TestConfig
from core.db import db as database
from core.models import Region, Role
from core.regions import ensure_regions
from newsletter.audience.consent import ensure_first_texts
from newsletter.audience.demo import ensure_lists, ensure_topics
from newsletter.audience.models import MailingList
from tests.fixtures.smtp import SMTPServer
from tests.http import PASSWORD, login


def app_settings(database_url: str, **overrides: Any) -> dict[str, Any]:
    """The settings of TestConfig on this database, with overrides."""
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    return {**settings, "SQLALCHEMY_DATABASE_URI": database_url, **overrides}


def dispose_engines() -> None:
    """Close the pooled connections of this app's engines (the unpinged one too)."""
    for engine in database.engines.values():
        engine.dispose()


def on_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


RESTART_SEQUENCES = """
SELECT setval(quote_ident(sequence_schema) || '.' || quote_ident(sequence_name),
              1, false)
FROM information_schema.sequences WHERE sequence_schema = current_schema()
"""


@cache
def delete_statements(dialect: Dialect) -> tuple[str, ...]:
    """DELETE of every model table, children before the rows they point to."""
    return tuple(
        str(table.delete().compile(dialect=dialect))
        for table in reversed(database.metadata.sorted_tables)
    )


def empty_all_tables(connection: Connection) -> None:
    """Delete every row of the models' tables; ids start at 1 again. (On a few
    small tables DELETE is faster than TRUNCATE, which replaces each table's
    files.)"""
    deletes = delete_statements(connection.dialect)
    if connection.dialect.name == "postgresql":
        # One round trip: the deletes, then every sequence of the schema restarted.
        connection.exec_driver_sql("; ".join([*deletes, RESTART_SEQUENCES]))
        return
    for delete in deletes:
        connection.exec_driver_sql(delete)
    # SQLite reuses the rowids of an emptied table, except for AUTOINCREMENT ones.
    if connection.scalar(
        text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
    ):
        connection.exec_driver_sql("DELETE FROM sqlite_sequence")


def seed(session: scoped_session) -> None:
    """What `flask regions init` and the list seeder leave in every installation."""
    ensure_regions(session)
    ensure_lists(session)
    ensure_topics(session)
    ensure_first_texts(session)
    session.commit()


def written_out(statement: Executable, dialect: Dialect) -> str:
    """The statement as SQL text with its values in it."""
    return str(
        statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    )


def stored_rows(connection: Connection, table: Table) -> list[dict[str, Any]]:
    """The table's rows as values that can be written out in SQL: a JSON column's
    as the text stored (SQLAlchemy writes no JSON literal), which also keeps JSON's
    null apart from SQL's NULL."""
    columns = [
        cast(column, Text).label(column.name)
        if isinstance(column.type, JSON)
        else column
        for column in table.columns
    ]
    return [
        {
            name: literal(value, Text)
            if value is not None and isinstance(table.c[name].type, JSON)
            else value
            for name, value in row.items()
        }
        for row in connection.execute(select(*columns)).mappings()
    ]


def restoring_statements(connection: Connection) -> tuple[str, ...]:
    """SQL that puts back every row now in the models' tables, ids included; on
    PostgreSQL each table's sequence then continues after its highest id, as after
    inserts that drew them (SQLite counts on from the highest rowid by itself)."""
    statements = []
    for table in database.metadata.sorted_tables:
        rows = stored_rows(connection, table)
        if not rows:
            continue
        statements.append(written_out(table.insert().values(rows), connection.dialect))
        if connection.dialect.name == "postgresql" and "id" in table.c:
            last = max(row["id"] for row in rows)
            sequence = func.pg_get_serial_sequence(literal(str(table.name)), "id")
            setval = select(func.setval(sequence, literal(last)))
            statements.append(written_out(setval, connection.dialect))
    return tuple(statements)


def reset(connection: Connection, seed_statements: Sequence[str]) -> None:
    """Empty every table and put the seeded rows back (on PostgreSQL in one round
    trip: a loaded machine makes each one cost milliseconds)."""
    if connection.dialect.name == "postgresql":
        deletes = delete_statements(connection.dialect)
        script = [*deletes, RESTART_SEQUENCES, *seed_statements]
        connection.exec_driver_sql("; ".join(script))
        return
    empty_all_tables(connection)
    for statement in seed_statements:
        connection.exec_driver_sql(statement)


def database_of_this_worker(url: str) -> str:
    """Under pytest-xdist, a PostgreSQL database of each worker's own beside the
    given one, made when missing and kept, like the given one, for the next run:
    one worker's resets, locks and cut connections never reach another's tests.
    Its commits do not wait for the disk (a test database need not survive a
    crash of the server; every commit is still seen by every other connection at
    once), which saved ~1.3 ms a commit, thousands of them in a pass. SQLite files
    are per worker already (each has its own temporary folder)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not on_postgresql(url):
        return url
    given = make_url(url)
    name = f"{given.database}_{worker}"
    server = create_engine(given, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with server.connect() as connection:
        if not connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ):
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        connection.exec_driver_sql(
            f"ALTER DATABASE {name} SET synchronous_commit = off"
        )
    return given.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The database of this test session, with the models' schema built once."""
    given = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('database') / 'test.sqlite'}"
    )
    url = database_of_this_worker(given)
    builder = create_app(app_settings(url))
    with builder.app_context():
        database.drop_all()  # what an earlier, interrupted run may have left
        database.create_all()
        dispose_engines()
    yield url
    with builder.app_context():
        database.drop_all()
        dispose_engines()


@pytest.fixture
def empty_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own without any table, for tests that build the schema
    themselves (the migrations): a SQLite file, or a PostgreSQL schema."""
    if not on_postgresql(database_url):
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    url = make_url(database_url).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    owner = create_app(app_settings(database_url))
    with owner.app_context(), database.engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    yield url.render_as_string(hide_password=False)
    with owner.app_context():
        with database.engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        dispose_engines()


@pytest.fixture
def empty_app(empty_database_url: str) -> Iterator[Flask]:
    """An app on a database without tables, inside its context, for tests that
    migrate it themselves."""
    app = create_app(app_settings(empty_database_url))
    init_migrations(app)
    with app.app_context():
        yield app
        database.session.remove()
        dispose_engines()


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


class ServerLikeClient(FlaskClient):
    """A test client that, as a server does, closes each answer once it is read,
    so that work left for after the answer (core.after_response) runs. Pass
    `buffered=False` to look at an answer before that."""

    def open(self, *args: Any, buffered: bool = True, **kwargs: Any) -> Any:
        return super().open(*args, buffered=buffered, **kwargs)


@pytest.fixture(scope="session")
def shared_app(database_url: str) -> Iterator[Flask]:
    """The app every test gets, built once: building one costs ~35 ms of CPU
    (Werkzeug compiles code for each of its routes), a tenth of a short test."""
    app = create_app(app_settings(database_url))
    app.test_client_class = ServerLikeClient
    yield app
    with app.app_context():
        dispose_engines()


@pytest.fixture(scope="session")
def pristine_config(shared_app: Flask) -> dict[str, Any]:
    """The shared app's settings as built, for undoing what a test changed."""
    return copy.deepcopy(dict(shared_app.config))


@pytest.fixture(scope="session")
def seed_statements(shared_app: Flask) -> tuple[str, ...]:
    """The rows `seed` leaves, made once through the real functions, as the SQL
    that puts them back: a few inserts, where making them again costs ~60 ms of
    CPU per test (the consent texts' versions are looked up one by one)."""
    with shared_app.app_context():
        with database.engine.begin() as connection:
            empty_all_tables(connection)
        seed(database.session)
        database.session.remove()
        with database.engine.connect() as connection:
            return restoring_statements(connection)


@pytest.fixture(scope="session")
def demo_statements(
    shared_app: Flask, seed_statements: tuple[str, ...]
) -> tuple[str, ...]:
    """The rows `flask demo seed` leaves on a seeded database, made once through the
    real command, as the SQL that puts them back: the command costs ~0.6 s of CPU
    (on PostgreSQL ~0.8 s), a tenth of the tests that look at the demo."""
    with shared_app.app_context():
        with database.engine.begin() as connection:
            reset(connection, seed_statements)
        result = shared_app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        database.session.remove()
        with database.engine.connect() as connection:
            return restoring_statements(connection)


@pytest.fixture
def app(
    shared_app: Flask,
    pristine_config: dict[str, Any],
    seed_statements: tuple[str, ...],
    tmp_path: Path,
    smtp_server: SMTPServer,
) -> Iterator[Flask]:
    """The app on the session's database, emptied and seeded with the regions,
    their lists and the topics; with its settings as built, whatever the test
    before changed, sending to this test's SMTP server and keeping files in its
    own folder."""
    shared_app.config.clear()
    shared_app.config.update(
        copy.deepcopy(pristine_config),
        MAIL_URL=smtp_server.url,
        DEV_MAILBOX_DIR=str(tmp_path / "devmail"),
        MEDIA_DIR=str(tmp_path / "media"),
    )
    with shared_app.app_context(), database.engine.begin() as connection:
        reset(connection, seed_statements)
    yield shared_app
    with shared_app.app_context():
        database.session.remove()


@pytest.fixture
def demo_data(app: Flask, demo_statements: tuple[str, ...]) -> Flask:
    """The app with what `flask demo seed` makes in its database (the demo users,
    subscribers, survey with answers and landscape)."""
    with app.app_context(), database.engine.begin() as connection:
        reset(connection, demo_statements)
    return app


@pytest.fixture
def db(app: Flask) -> Iterator[scoped_session]:
    """The session, inside an app context held for the whole test: for tests that
    only need the database. Not with `client`: its requests would share this app
    context (and `g`, where the logged-in user is kept)."""
    with app.app_context():
        yield database.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def list_ids(app: Flask) -> dict[str, int]:
    """The ids of the seeded mailing lists, by slug."""
    with app.app_context():
        rows = database.session.execute(select(MailingList.slug, MailingList.id))
        return dict(rows.all())


@pytest.fixture
def region_ids(app: Flask) -> dict[str, int]:
    """The ids of the seeded regions, by slug."""
    with app.app_context():
        rows = database.session.execute(select(Region.slug, Region.id))
        return dict(rows.all())


@pytest.fixture
def make_user(app: Flask):
    """Create a user of a role (and region slug for a regional manager)."""

    def make(role: Role, region: str | None = None, email: str | None = None):
        email = email or f"{role}-{region or 'all'}@example.org"
        with app.app_context():
            user = create_user(
                database.session, email, PASSWORD, role, role.title(), region
            )
            database.session.commit()
            return SimpleNamespace(
                id=user.id, email=user.email, role=role, region=region
            )

    return make


@pytest.fixture
def login_as(client: FlaskClient, make_user):
    """Create a user of the role and log the client in as them."""

    def do(role: Role, region: str | None = None):
        user = make_user(role, region)
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that start processes or drive Chromium run first, the rest in
    their order after them: spread over xdist workers, a pass then ends with short
    tests on every worker instead of one worker in a long test while the others
    wait."""
    items.sort(
        key=lambda item: (
            not (item.get_closest_marker("slow") or item.get_closest_marker("browser"))
        )
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported so far (Flask, pandas, statsmodels, the test modules)
    lives until the end: keep it out of the garbage collector's full passes, which
    otherwise walk millions of objects each time (statsmodels' Holm correction
    alone asks for one per call)."""
    gc.freeze()


FREEZE_EVERY = 100  # tests; each freeze costs one full collection
finished_tests = itertools.count(1)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """What outlives the tests (modules imported on first use, the shared app's
    caches of SQL and templates) grows to a few hundred thousand objects that
    every full pass walked again: a quarter of the suite's CPU. So, every hundred
    tests, after this test's fixtures are gone, the garbage is collected and the
    survivors join the frozen objects."""
    if next(finished_tests) % FREEZE_EVERY == 0:
        gc.collect()
        gc.freeze()
