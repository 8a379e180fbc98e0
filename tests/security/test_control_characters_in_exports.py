"""Every control character that reached the database before the input checks (#14.4)
is gone from every file people download: the subscriber CSV and XLSX (in the request
and from the worker), the survey tables as CSV, XLSX, Parquet and JSON, and a
person's own data as JSON, whether she fetches it or her manager does."""

import io
import json
import re
from collections.abc import Iterator

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from core.db import db
from core.models import Role
from newsletter.audience.export_jobs import run_queued_exports
from newsletter.audience.models import Subscriber
from newsletter.audience.tokens import preferences_token
from surveys.analysis.exports import TABLE_NAMES
from tests import factories
from tests.http import csrf_token

REFUSED = [chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\x7f"]


def storable(app) -> str:
    """Every refused character the database can hold (PostgreSQL's text cannot
    hold NUL at all)."""
    with app.app_context():
        on_sqlite = db.engine.dialect.name == "sqlite"
    return "".join(c for c in REFUSED if c != "\x00" or on_sqlite)


def strings_in(value: object) -> Iterator[str]:
    """Every text in a decoded JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def xlsx_strings(body: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(body))
    return [
        cell
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]


def parquet_strings(body: bytes) -> list[str]:
    table = pq.read_table(io.BytesIO(body))
    return [
        *table.column_names,
        *(
            value
            for column in table.to_pydict().values()
            for value in column
            if isinstance(value, str)
        ),
    ]


def assert_clean(texts: list[str], what: str, marker: str) -> None:
    assert any(marker in text for text in texts), f"{what}: the planted text is lost"
    for text in texts:
        found = [f"\\x{ord(c):02x}" for c in REFUSED if c in text]
        assert not found, f"{what}: {found} in {text!r}"


@pytest.fixture
def planted_person(app) -> int:
    """A Dortmund subscriber whose name and organisation hold every storable
    control character, as if saved before the check."""
    chars = storable(app)
    with app.app_context():
        person = factories.subscriber(db.session, email="alt@example.org")
        person.name = f"Alt{chars}Name"
        person.organisation = f"=Alt{chars}Org"
        db.session.commit()
        return person.id


@pytest.fixture
def planted_survey(app) -> int:
    """A survey whose question and first option hold every storable control
    character, answered by ten people in each region (nothing suppressed)."""
    chars = storable(app)
    with app.app_context():
        question = factories.one_question_survey(
            db.session, labels=(f"Wahl{chars}Eins", "Zwei")
        )
        question.text = {"de": f"Frage{chars}Text"}
        first, second = question.options
        for region in ("dortmund", "suedwestfalen"):
            factories.answer(db.session, question, [first], region=region, times=10)
            factories.answer(db.session, question, [second], region=region, times=10)
        db.session.commit()
        return question.survey_id


def test_the_subscriber_exports_hold_no_control_character(
    app, client, login_as, planted_person
):
    login_as(Role.MANAGER, "dortmund")
    xlsx = client.get("/subscribers/export.xlsx")
    assert xlsx.status_code == 200
    assert_clean(xlsx_strings(xlsx.data), "XLSX", "Alt")
    csv_body = client.get("/subscribers/export.csv").get_data(as_text=True)
    assert_clean([csv_body], "CSV", "Alt")


def test_the_subscriber_export_of_the_worker_holds_no_control_character(
    app, client, login_as, planted_person
):
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/subscribers").get_data(as_text=True)
    ordered = client.post("/subscribers/exports", data={"csrf_token": csrf_token(page)})
    with app.app_context():
        assert run_queued_exports() == 1
    ready = client.get(ordered.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/subscribers/exports/\d+/download)"', ready).group(1)
    assert_clean(xlsx_strings(client.get(link).data), "worker XLSX", "Alt")


def test_the_survey_tables_hold_no_control_character_in_any_format(
    app, client, login_as, planted_survey
):
    login_as(Role.ANALYST)
    base = f"/analysis/{planted_survey}/download"
    assert_clean(xlsx_strings(client.get(f"{base}.xlsx").data), "XLSX", "Wahl")
    for table in TABLE_NAMES:
        for sep in ("comma", "semicolon"):
            body = client.get(f"{base}.csv?table={table}&sep={sep}")
            assert body.status_code == 200
            text = body.get_data(as_text=True)
            assert not [c for c in REFUSED if c in text], f"CSV {table}"
        parquet = client.get(f"{base}.parquet?table={table}")
        assert parquet.status_code == 200
        for text in parquet_strings(parquet.data):
            assert not [c for c in REFUSED if c in text], f"Parquet {table}: {text!r}"
    shares = client.get(f"{base}.parquet?table=shares").data
    assert_clean(parquet_strings(shares), "Parquet shares", "Wahl")
    api = client.get(f"/api/surveys/{planted_survey}/tables").get_json()
    assert_clean(list(strings_in(api)), "JSON", "Wahl")


def test_a_persons_own_data_holds_no_control_character(
    app, client, login_as, planted_person
):
    with app.app_context():
        key = db.session.get(Subscriber, planted_person).link_key
        token = preferences_token(planted_person, key)
    own = client.get(f"/einstellungen/{token}/meine-daten.json")
    assert own.status_code == 200
    assert_clean(list(strings_in(json.loads(own.data))), "own JSON", "Alt")
    login_as(Role.MANAGER, "dortmund")
    asked = client.get(f"/subscribers/{planted_person}/data.json")
    assert asked.status_code == 200
    assert_clean(list(strings_in(json.loads(asked.data))), "manager JSON", "Alt")
