"""How the answer POST runs its statements: on the DBAPI connection (core.direct_sql,
the default) or through `Connection.execute` — the second only for the A/B benchmark
(bench/bench_answer_paths.py, ANSWER_SQL="execute") that decides whether the first
still pays."""

from collections.abc import Callable
from typing import Any

from flask import current_app

from core.direct_sql import (
    Executed,
    direct_on,
    direct_transaction,
    executed_transaction,
)


def answer_statements() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """(transaction on the engine, statements on a session's connection)."""
    if current_app.config["ANSWER_SQL"] == "execute":
        return executed_transaction, Executed
    return direct_transaction, direct_on
