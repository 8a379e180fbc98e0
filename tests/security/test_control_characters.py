"""Invisible control characters (NUL and the other C0 characters but tab and line
breaks) are refused at every input with a clear message, and neutralised in every
export anyway (#14.4): one NUL in a name must not break a region's export."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.db import db
from core.models import Region, Role
from core.spreadsheet import csv_lines, neutralise, xlsx_bytes
from newsletter.audience.models import Subscriber, SubscriberStatus
from tests import factories
from tests.http import csrf_token
from tests.http import sign_up as sign_up_over_http

REFUSED = [chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\x7f"]


def list_id(app, slug: str) -> int:
    with app.app_context():
        return factories.find_list(db.session, slug).id


def subscriber_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Subscriber))


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f"])
def test_a_public_sign_up_with_a_control_character_is_refused_clearly(
    app, client, char
):
    dortmund = list_id(app, "newsletter-dortmund")
    response = sign_up_over_http(
        client, "dortmund", "anna@example.org", [dortmund], name=f"Anna{char}Becker"
    )
    assert response.status_code == 400
    assert "Steuerzeichen" in response.get_data(as_text=True)
    assert subscriber_count(app) == 0


def test_a_manager_form_with_a_control_character_is_refused(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/subscribers/new").get_data(as_text=True)
    response = client.post(
        "/subscribers/new",
        data={
            "csrf_token": csrf_token(page),
            "email": "bob@example.org",
            "name": "Bob\x00",
        },
    )
    assert response.status_code == 400
    assert "Steuerzeichen" in response.get_data(as_text=True)
    assert subscriber_count(app) == 0


def test_an_import_row_with_a_control_character_is_skipped_with_a_reason(
    app, client, login_as
):
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/subscribers/import").get_data(as_text=True)
    rows = "email,name\r\nanna@example.org,Anna\x00Becker\r\nbob@example.org,Bob\r\n"
    response = client.post(
        "/subscribers/import",
        data={
            "csrf_token": csrf_token(page),
            "lists": [str(list_id(app, "newsletter-dortmund"))],
            "file": (io.BytesIO(rows.encode()), "kontakte.csv"),
        },
        content_type="multipart/form-data",
    )
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Steuerzeichen" in review
    assert "1 von 2 Zeilen" in review


def planted_subscribers(app) -> None:
    """One subscriber per refused character, as if stored before the check.

    PostgreSQL cannot store NUL in text at all, so there it is left out."""
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == "dortmund"))
        storable = [
            c for c in REFUSED if c != "\x00" or db.engine.dialect.name == "sqlite"
        ]
        for index, char in enumerate(storable):
            db.session.add(
                Subscriber(
                    email=f"p{index}@example.org",
                    name=f"Name{char}{index}",
                    organisation=f"=Org{char}",
                    region_id=region.id,
                    status=SubscriberStatus.ACTIVE,
                )
            )
        db.session.commit()


def test_every_control_character_survives_the_subscriber_exports(app, client, login_as):
    planted_subscribers(app)
    login_as(Role.MANAGER, "dortmund")
    xlsx = client.get("/subscribers/export.xlsx")
    assert xlsx.status_code == 200
    cells = [
        str(cell.value)
        for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert any(cell.startswith("Name") for cell in cells)
    csv_export = client.get("/subscribers/export.csv")
    assert csv_export.status_code == 200
    text = csv_export.get_data(as_text=True)
    for char in REFUSED:
        assert char not in text
        assert not any(char in cell for cell in cells)


@pytest.mark.parametrize("char", REFUSED)
def test_the_spreadsheet_writers_neutralise_every_control_character(char):
    value = neutralise(f"a{char}b")
    assert value == "ab"
    workbook = load_workbook(io.BytesIO(xlsx_bytes([("t", ["h"], [[f"x{char}"]])])))
    assert workbook.active["A2"].value == "x"
    assert char not in "".join(csv_lines(["h"], [[f"y{char}"]]))


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
def test_a_public_survey_answer_with_a_control_character_is_refused_clearly(
    app, client, char
):
    from surveys.models import Survey, SurveyResponse

    with app.app_context():
        survey = factories.survey(db.session)
        path = f"/umfrage/{survey.id}/offen/{survey.public_key}"
        first, free = db.session.get(Survey, survey.id).questions[0::2]
        option = first.options[0].id
    page = client.get(path).get_data(as_text=True)
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(page),
            f"q{first.id}": str(option),
            f"q{free.id}": f"Mehr{char}Austausch",
        },
    )
    assert response.status_code == 400
    assert "Steuerzeichen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
