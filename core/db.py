"""Declarative base with stable constraint names, and UTC time helpers."""

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, DateTime, MetaData, Select, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.types import TypeDecorator

# Stable names so that migrations produce the same constraints on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The bind key of the same database server without a ping before each use (see
# core.app.ping_server_databases); absent on SQLite, where nothing is pinged.
UNPINGED = "unpinged"

# Services take either a plain Session or Flask-SQLAlchemy's scoped `db.session`.
SessionLike: TypeAlias = Session | scoped_session[Any]

# Any SELECT, whatever its columns (SQLAlchemy 2.1 types them one by one).
AnySelect: TypeAlias = "Select[*tuple[Any, ...]]"

if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def one_of(column: str, values: Iterable[str]) -> CheckConstraint:
    """A CHECK that `column` holds one of `values` (an enum's), named
    ck_<table>_<column>: a status the code does not know cannot be stored."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=column)


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and returns aware datetimes on every backend (SQLite drops zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Any
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC time")
        return value.astimezone(UTC)

    def process_result_value(
        self, value: datetime | None, dialect: Any
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: write-ahead log (the web and the worker read while the other writes),
    commits without fsync each, a wait instead of 'database is locked', and FKs."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
