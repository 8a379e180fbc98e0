"""How the answer POST runs its statements: on the DBAPI connection (core.direct_sql,
the default) or through `Connection.execute` — the second only for the A/B benchmark
(bench/bench_answer_paths.py, ANSWER_SQL="execute") that decides whether the first
still pays."""

from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import Engine

from core.db import UNPINGED, db
from core.direct_sql import (
    Executed,
    direct_on,
    direct_statements,
    executed_transaction,
)


def answer_statements() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """(statements on a connection of the engine, statements on a session's
    connection)."""
    if current_app.config["ANSWER_SQL"] == "execute":
        return executed_transaction, Executed
    return direct_statements, direct_on


def answer_engine() -> Engine:
    """The engine of the answer POST: on a database server the one that skips the
    ping before each use (a round trip of every answer); a connection the server
    dropped is answered by running the transaction again (surveys.answering.views)."""
    return db.engines.get(UNPINGED, db.engine)
