"""Managers see and change only their region's subscribers; analysts see none; every
change is audited; exports are safe to open in Excel."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from core.db import db
from core.models import AuditEntry, Role
from newsletter.audience.models import Subscriber
from tests import factories
from tests.http import csrf_token


def add_subscriber(app, region_slug, email, **profile):
    with app.app_context():
        person = factories.subscriber(
            db.session, email=email, region=region_slug, **profile
        )
        return person.id


def test_manager_of_one_region_gets_404_for_the_other(app, client, login_as):
    swf = add_subscriber(app, "suedwestfalen", "sauerland@example.org")
    do = add_subscriber(app, "dortmund", "dortmund@example.org")
    login_as(Role.MANAGER, "dortmund")
    assert client.get(f"/subscribers/{do}").status_code == 200
    assert client.get(f"/subscribers/{swf}").status_code == 404
    listing = client.get("/subscribers").get_data(as_text=True)
    assert "dortmund@example.org" in listing
    assert "sauerland@example.org" not in listing


def test_analyst_sees_no_subscriber_at_all(app, client, login_as):
    add_subscriber(app, "dortmund", "dortmund@example.org")
    login_as(Role.ANALYST)
    for path in [
        "/subscribers",
        "/subscribers/export.csv",
        "/subscribers/1",
        "/subscribers/import",
        "/lists",
        "/segments",
    ]:
        assert client.get(path).status_code == 403, path


def test_filters_and_a_saved_segment_stay_current(app, client, login_as):
    add_subscriber(app, "dortmund", "a@example.org", org_type="startup")
    add_subscriber(app, "dortmund", "b@example.org", org_type="company")
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/subscribers?org_type=startup").get_data(as_text=True)
    assert "a@example.org" in page
    assert "b@example.org" not in page
    client.post(
        "/segments",
        data={
            "csrf_token": csrf_token(page),
            "name": "Start-ups",
            "org_type": "startup",
        },
    )
    add_subscriber(app, "dortmund", "c@example.org", org_type="startup")
    segments = client.get("/segments").get_data(as_text=True)
    assert "Start-ups" in segments
    assert '<td class="num">2</td>' in segments


def test_edit_is_audited_and_erase_removes_the_person(app, client, login_as):
    subscriber_id = add_subscriber(app, "dortmund", "edit@example.org", name="Old")
    login_as(Role.MANAGER, "dortmund")
    page = client.get(f"/subscribers/{subscriber_id}/edit").get_data(as_text=True)
    client.post(
        f"/subscribers/{subscriber_id}/edit",
        data={
            "csrf_token": csrf_token(page),
            "name": "New Name",
            "language": "de",
        },
    )
    detail = client.get(f"/subscribers/{subscriber_id}").get_data(as_text=True)
    assert "New Name" in detail
    assert "Einwilligungsverlauf" in detail
    client.post(
        f"/subscribers/{subscriber_id}/erase", data={"csrf_token": csrf_token(detail)}
    )
    with app.app_context():
        subscriber = db.session.get(Subscriber, subscriber_id)
        assert subscriber.email is None
        assert subscriber.status == "erased"
        actions = list(db.session.scalars(select(AuditEntry.action)))
    assert actions == ["edit", "erase"]
    assert client.get(f"/subscribers/{subscriber_id}").status_code == 404


def test_exports_carry_a_bom_and_neutralise_formulas(app, client, login_as):
    add_subscriber(
        app,
        "dortmund",
        "formula@example.org",
        organisation='=HYPERLINK("http://evil.example","x")',
        name="@SUM(A1)",
    )
    login_as(Role.MANAGER, "dortmund")
    csv_body = client.get("/subscribers/export.csv?sep=semicolon").get_data()
    assert csv_body.startswith(b"\xef\xbb\xbf")
    text = csv_body.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert ";'@SUM(A1);" in text
    xlsx = client.get("/subscribers/export.xlsx").get_data()
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_manual_add_sends_the_opt_in_mail_and_records_the_source(
    app, region_ids, list_ids, client, login_as, smtp_server
):
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/subscribers/new").get_data(as_text=True)
    do = list_ids["newsletter-dortmund"]
    response = client.post(
        "/subscribers/new",
        data={
            "csrf_token": csrf_token(page),
            "email": "neu@example.org",
            "region_id": str(region_ids["dortmund"]),
            "lists": [str(do)],
            "language": "de",
        },
    )
    assert response.status_code == 302
    assert len(smtp_server.to("neu@example.org")) == 1
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Regionalmanagement" in detail
