"""Prepared statements on the DBAPI connection behave like Connection.execute: typed
values both ways, RETURNING, SQLAlchemy's exceptions, all-or-nothing transactions."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from flask import Flask
from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from core.db import UTCDateTime, db, utcnow
from core.direct_sql import PreparedStatement, direct_on, direct_transaction

PROBES = Table(
    "direct_sql_probes",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("label", String(20), unique=True, nullable=False),
    Column("flag", Boolean, nullable=False),
    Column("at", UTCDateTime),
)
FIELDS = ("label", "flag", "at")
ADD = PreparedStatement(
    insert(PROBES)
    .values({name: bindparam(name) for name in FIELDS})
    .returning(PROBES.c.id)
)
READ = PreparedStatement(
    select(PROBES.c.label, PROBES.c.flag, PROBES.c.at).where(
        PROBES.c.label == bindparam("label")
    )
)


@pytest.fixture
def probes(app: Flask) -> Iterator[None]:
    with app.app_context():
        PROBES.create(db.engine)
        yield
        PROBES.drop(db.engine)


def count(label: str) -> int:
    with db.engine.connect() as connection:
        return len(
            connection.execute(select(PROBES).where(PROBES.c.label == label)).all()
        )


@pytest.mark.usefixtures("probes")
def test_values_keep_their_types_both_ways() -> None:
    berlin = datetime(2026, 11, 25, 17, 30, tzinfo=timezone(timedelta(hours=1)))
    with direct_transaction(db.engine) as direct:
        new_id = direct.value(ADD, {"label": "a", "flag": True, "at": berlin})
        assert isinstance(new_id, int)
    with direct_transaction(db.engine) as direct:
        assert direct.rows(READ, {"label": "a"}) == [
            ["a", True, datetime(2026, 11, 25, 16, 30, tzinfo=UTC)]
        ]
    with db.engine.connect() as connection:  # and as SQLAlchemy reads them
        row = connection.execute(select(PROBES.c.flag, PROBES.c.at)).one()
    assert row == (True, berlin)


@pytest.mark.usefixtures("probes")
def test_many_rows_in_one_call() -> None:
    with direct_transaction(db.engine) as direct:
        direct.execute_many(
            ADD, [{"label": f"m{n}", "flag": False, "at": None} for n in range(3)]
        )
    assert [count(f"m{n}") for n in range(3)] == [1, 1, 1]


@pytest.mark.usefixtures("probes")
def test_one_row_or_none_given_as_many() -> None:
    with direct_transaction(db.engine) as direct:
        direct.execute_many(ADD, [{"label": "one", "flag": False, "at": None}])
        direct.execute_many(ADD, [])
    assert count("one") == 1


@pytest.mark.usefixtures("probes")
def test_a_constraint_violation_is_sqlalchemys_and_undoes_the_transaction() -> None:
    with direct_transaction(db.engine) as direct:
        direct.execute(ADD, {"label": "taken", "flag": False, "at": None})

    def add_two() -> None:
        with direct_transaction(db.engine) as direct:
            direct.execute(ADD, {"label": "kept-back", "flag": False, "at": None})
            direct.execute(ADD, {"label": "taken", "flag": False, "at": None})

    with pytest.raises(IntegrityError):
        add_two()
    assert count("kept-back") == 0
    assert count("taken") == 1


@pytest.mark.usefixtures("probes")
def test_statements_join_a_sessions_transaction() -> None:
    direct_on(db.session.connection()).execute(
        ADD, {"label": "s", "flag": False, "at": utcnow()}
    )
    db.session.rollback()
    assert count("s") == 0
    direct_on(db.session.connection()).execute(
        ADD, {"label": "s", "flag": False, "at": utcnow()}
    )
    db.session.commit()
    assert count("s") == 1


@pytest.mark.usefixtures("probes")
def test_a_column_default_left_out_is_refused_before_anything_runs() -> None:
    table = Table(
        "direct_sql_defaults",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime, default=utcnow),
    )
    forgetful = PreparedStatement(insert(table).values(id=bindparam("id")))
    with pytest.raises(ValueError, match="at"):
        forgetful.compiled(db.engine.dialect)


@pytest.mark.usefixtures("probes")
def test_constants_written_into_a_statement_need_no_parameter() -> None:
    fixed = datetime(2027, 1, 1, tzinfo=UTC)
    stamp = PreparedStatement(
        update(PROBES)
        .where(PROBES.c.label == bindparam("b_label"), PROBES.c.flag.is_(False))
        .values(flag=True, at=fixed)
        .returning(PROBES.c.label)
    )
    with direct_transaction(db.engine) as direct:
        direct.execute(ADD, {"label": "c", "flag": False, "at": None})
        assert direct.rows(stamp, {"b_label": "c"}) == [["c"]]
        assert direct.rows(stamp, {"b_label": "c"}) == []  # the constant is compared
        assert direct.rows(READ, {"label": "c"}) == [["c", True, fixed]]
