"""Core statements compiled once per dialect and run straight on the DBAPI cursor.

For the one path where SQLAlchemy's per-execution bookkeeping costs more than the
database: saving a survey answer (a newsletter goes out, thousands press "Senden"
within minutes). On SQLite the three statements of an answer take about 100 µs of
database work and, through `Connection.execute`, about 190 µs more. The SQL still
comes from Core constructs, so it stays portable, and values pass through the
columns' own bind and result processors (UTC times, booleans on SQLite). DBAPI errors
arrive as SQLAlchemy's exceptions, as they would through a `Connection`.

The answer runs on `direct_statements`: each statement commits by itself, so a read
and a write of one statement cost two round trips to a database server, not four
with BEGIN and COMMIT; `Direct.together()` makes a transaction of the statements
that need one, sent at once on PostgreSQL (psycopg's pipeline).

It stays while it pays: bench/bench_answer_paths.py runs the same statements both
ways (`Executed` is the `Connection.execute` side); direct made 1.17 times the answers
per second (median of 13 runs on SQLite, 2 cores; 1.12 and 1.33 on PostgreSQL), and
1.13 and 1.21 times since it commits each statement by itself (one run each)."""

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from typing import Any, cast

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter


class PreparedStatement:
    """A statement with named bind parameters; every column with a Python-side
    default must be given, since nothing here fills it in."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._by_dialect: dict[tuple[str, str], _Compiled] = {}

    def compiled(self, dialect: Dialect) -> "_Compiled":
        key = (dialect.name, dialect.driver)  # drivers differ in parameter style
        compiled = self._by_dialect.get(key)
        if compiled is None:
            compiled = self._by_dialect[key] = _Compiled(self.statement, dialect)
        return compiled


class _Compiled:
    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiler = cast(SQLCompiler, statement.compile(dialect=dialect))
        if compiler.insert_prefetch or compiler.update_prefetch:
            missing = [
                c.name for c in (*compiler.insert_prefetch, *compiler.update_prefetch)
            ]
            raise ValueError(f"give these columns explicitly: {', '.join(missing)}")
        self.sql = str(compiler)
        # bind name in the SQL → (parameter key, processor, fixed value); a bind that
        # carries its value in the statement (a constant: `status == "claimed"`) has
        # it processed once, here
        binds = {
            name: _bind(bind, bind.type.dialect_impl(dialect).bind_processor(dialect))
            for name, bind in compiler.binds.items()
        }
        self.order = (
            [binds[name] for name in compiler.positiontup or ()]
            if compiler.positional
            else None
        )
        self.named = binds
        # What a SELECT or a RETURNING clause gives back: (position, processor) of
        # the columns that need converting (most need nothing).
        self.columns = len(statement.exported_columns)  # type: ignore[attr-defined]
        self.results: list[tuple[int, Callable[[Any], Any]]] = [
            (position, process)
            for position, column in enumerate(statement.exported_columns)  # type: ignore[attr-defined]
            if (
                process := column.type.dialect_impl(dialect).result_processor(
                    dialect, None
                )
            )
        ]

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        if self.order is not None:
            return [
                fixed[0] if fixed else process(values[key]) if process else values[key]
                for key, process, fixed in self.order
            ]
        return {
            name: fixed[0]
            if fixed
            else process(values[key])
            if process
            else values[key]
            for name, (key, process, fixed) in self.named.items()
        }

    def row(self, raw: Sequence[Any]) -> list[Any]:
        values = list(raw)
        for position, process in self.results:
            values[position] = process(values[position])
        return values


_Bind = tuple[str, Callable[[Any], Any] | None, tuple[Any] | None]


def _bind(bind: BindParameter[Any], process: Callable[[Any], Any] | None) -> _Bind:
    if bind.required:
        return bind.key, process, None
    value = bind.effective_value
    return bind.key, process, (process(value) if process else value,)


class Direct:
    """Runs prepared statements on one DBAPI connection: inside its transaction, or,
    with `autocommit` (direct_statements), each statement committing by itself."""

    def __init__(
        self, dbapi_connection: Any, dialect: Dialect, autocommit: bool = False
    ) -> None:
        self.connection = dbapi_connection
        self.cursor = dbapi_connection.cursor()
        self.dialect = dialect
        self.autocommit = autocommit

    @contextmanager
    def together(self) -> Iterator[None]:
        """Statements that stand or fall together. Inside a transaction they do
        already; where each statement commits by itself they run as one
        transaction, and on PostgreSQL BEGIN, they and COMMIT are sent at once
        (psycopg's pipeline): one round trip instead of one each."""
        if not self.autocommit:
            yield
            return
        driver = self.connection.driver_connection
        at_once: AbstractContextManager[Any] = (
            driver.pipeline() if hasattr(driver, "pipeline") else nullcontext()
        )
        try:
            with self._translated("COMMIT", None), at_once:
                self.cursor.execute("BEGIN")
                yield
                self.cursor.execute("COMMIT")
        except BaseException:
            # The error that got here is the one to report; a connection that died
            # with it cannot roll back, and is thrown away by direct_statements.
            with suppress(Exception):
                self.connection.rollback()
            raise

    def rows(
        self, prepared: PreparedStatement, values: Mapping[str, Any]
    ) -> list[list[Any]]:
        compiled = prepared.compiled(self.dialect)
        self._run(compiled.sql, self.cursor.execute, compiled.parameters(values))
        return [compiled.row(raw) for raw in self.cursor.fetchall()]

    def value(self, prepared: PreparedStatement, values: Mapping[str, Any]) -> Any:
        """The first column of the only row (for INSERT … RETURNING)."""
        return self.rows(prepared, values)[0][0]

    def execute(self, prepared: PreparedStatement, values: Mapping[str, Any]) -> None:
        compiled = prepared.compiled(self.dialect)
        self._run(compiled.sql, self.cursor.execute, compiled.parameters(values))
        if compiled.columns:  # SQLite cannot commit while RETURNING rows are unread
            self.cursor.fetchall()

    def counted(
        self, prepared: PreparedStatement, values: Mapping[str, Any]
    ) -> Callable[[], int]:
        """Run a statement on a cursor of its own; returns what tells how many rows
        it changed. Ask after together(): inside psycopg's pipeline the count
        arrives with the COMMIT (asking earlier would cost a round trip)."""
        cursor = self.connection.cursor()
        compiled = prepared.compiled(self.dialect)
        self._run(compiled.sql, cursor.execute, compiled.parameters(values))
        return lambda: cursor.rowcount

    def execute_many(
        self, prepared: PreparedStatement, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        if len(rows) == 1:
            # Most answers are one row; psycopg runs executemany in a pipeline of
            # its own, which for one row costs more than the statement (~40 µs).
            self.execute(prepared, rows[0])
            return
        compiled = prepared.compiled(self.dialect)
        self._run(
            compiled.sql,
            self.cursor.executemany,
            [compiled.parameters(values) for values in rows],
        )

    def commit(self) -> None:
        self._run("COMMIT", lambda _sql, _parameters: self.connection.commit(), None)

    def _run(self, sql: str, call: Callable, parameters: Any) -> None:
        with self._translated(sql, parameters):
            call(sql, parameters)

    @contextmanager
    def _translated(self, sql: str, parameters: Any) -> Iterator[None]:
        """The DBAPI's errors as SQLAlchemy's, telling a dropped connection."""
        dbapi_error = self.dialect.loaded_dbapi.Error
        try:
            yield
        except dbapi_error as error:
            raise DBAPIError.instance(
                sql,
                parameters,
                error,
                dbapi_error,
                connection_invalidated=self.dialect.is_disconnect(
                    error, self.connection, self.cursor
                ),
                dialect=self.dialect,
            ) from error


class Executed:
    """The same calls through SQLAlchemy's `Connection.execute`, for the A/B bench
    (`ANSWER_SQL = "execute"`), always inside the connection's transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect

    def together(self) -> AbstractContextManager[None]:
        return nullcontext()

    def rows(
        self, prepared: PreparedStatement, values: Mapping[str, Any]
    ) -> Sequence[Sequence[Any]]:
        return self.connection.execute(_executable(prepared), values).all()

    def value(self, prepared: PreparedStatement, values: Mapping[str, Any]) -> Any:
        """The first column of the only row (for INSERT … RETURNING)."""
        return self.connection.execute(_executable(prepared), values).scalar_one()

    def execute(self, prepared: PreparedStatement, values: Mapping[str, Any]) -> None:
        self.connection.execute(_executable(prepared), values)

    def counted(
        self, prepared: PreparedStatement, values: Mapping[str, Any]
    ) -> Callable[[], int]:
        result = self.connection.execute(_executable(prepared), values)
        return lambda: result.rowcount

    def execute_many(
        self, prepared: PreparedStatement, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        self.connection.execute(_executable(prepared), list(rows))


def _executable(prepared: PreparedStatement) -> Executable:
    return cast(Executable, prepared.statement)


Statements = Direct | Executed


@contextmanager
def executed_transaction(engine: Engine) -> Iterator[Executed]:
    """`engine.begin()`: committed at the end, rolled back on error."""
    with engine.begin() as connection:
        yield Executed(connection)


def direct_on(connection: Connection) -> Direct:
    """Statements inside the transaction of this connection (a session's, say)."""
    return Direct(connection.connection, connection.dialect)


@contextmanager
def direct_transaction(engine: Engine) -> Iterator[Direct]:
    """A pooled connection of its own: committed at the end, rolled back on error.
    A connection the server has dropped (a restart, a failover) is thrown away with
    the pool's idle ones, which went with it, and the error says so
    (`connection_invalidated`): the caller may run its transaction once more."""
    connection = engine.raw_connection()
    try:
        direct = Direct(connection, engine.dialect)
        yield direct
        direct.commit()
    except DBAPIError as error:
        if not error.connection_invalidated:
            connection.rollback()
            raise
        connection.invalidate(error)
        engine.dispose()
        raise
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()


@contextmanager
def direct_statements(engine: Engine) -> Iterator[Direct]:
    """A pooled connection on which each statement commits by itself: a read and a
    write of one statement need no BEGIN and COMMIT, two more round trips to a
    database server. Statements that must stand or fall together go in
    `Direct.together()`. A dropped connection is treated as in direct_transaction."""
    connection = engine.raw_connection()
    restore = _commit_each_statement(connection.driver_connection)
    try:
        yield Direct(connection, engine.dialect, autocommit=True)
    except DBAPIError as error:
        if error.connection_invalidated:
            connection.invalidate(error)
            engine.dispose()
        raise
    finally:
        if connection.is_valid:  # back to the pool as it came
            restore()
        connection.close()


def _commit_each_statement(driver: Any) -> Callable[[], None]:
    """Autocommit on a driver's connection; returns what undoes it."""
    if isinstance(driver, sqlite3.Connection):
        level = driver.isolation_level
        driver.isolation_level = None
        return lambda: setattr(driver, "isolation_level", level)
    autocommit = driver.autocommit
    driver.autocommit = True
    return lambda: setattr(driver, "autocommit", autocommit)
