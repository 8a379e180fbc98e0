"""The subscriber export as a manager opens it in Excel: one row per subscriber of her
regions, with district, region and the newsletters the person still receives. A
large one is written by the worker and fetched from its own page by its orderer."""

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from core.db import db
from core.models import AuditEntry, District, Role
from newsletter.audience.export_jobs import run_queued_exports
from newsletter.audience.models import MailingList, SubscriberExport, Subscription
from tests import factories
from tests.http import csrf_token, login


def workbook_rows(client, path: str) -> list[list]:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="abonnenten.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_xlsx_export_lists_her_regions_people_with_the_lists_they_still_get(
    app, client, login_as
):
    with app.app_context():
        olpe = db.session.scalar(select(District).where(District.name == "Kreis Olpe"))
        person = factories.subscriber(
            db.session,
            email="werk@example.org",
            region="suedwestfalen",
            lists=["newsletter-suedwestfalen", "brueckenschlag-interregional"],
            name="Greta Kühn",
            organisation="Werkhalle Olpe GmbH",
            org_type="company",
            district_id=olpe.id,
        )
        factories.subscriber(
            db.session, email="left@example.org", region="suedwestfalen"
        )
        factories.subscriber(db.session, email="dortmund@example.org")
        interregional = db.session.scalar(
            select(Subscription)
            .join(MailingList)
            .where(
                Subscription.subscriber_id == person.id,
                MailingList.slug == "brueckenschlag-interregional",
            )
        )
        interregional.status = "unsubscribed"
        db.session.commit()
    login_as(Role.MANAGER, "suedwestfalen")

    header, *rows = workbook_rows(client, "/subscribers/export.xlsx")

    assert header[:3] == ["E-Mail", "Name", "Organisation"]
    by_email = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_email) == {"werk@example.org", "left@example.org"}
    greta = by_email["werk@example.org"]
    assert greta["Name"] == "Greta Kühn"
    assert greta["Organisation"] == "Werkhalle Olpe GmbH"
    assert greta["Kreis"] == "Kreis Olpe"
    assert greta["Region"] == "Südwestfalen"
    assert greta["Newsletter"] == "Newsletter Südwestfalen"
    assert greta["Status"] == "active"
    assert len(greta["Bestätigt"]) == len("2026-12-04 18:00")


def test_the_xlsx_export_follows_the_list_filter(app, client, login_as):
    with app.app_context():
        factories.subscriber(
            db.session,
            email="beide@example.org",
            lists=["newsletter-dortmund", "brueckenschlag-interregional"],
        )
        factories.subscriber(db.session, email="nur-dortmund@example.org")
        interregional = db.session.scalar(
            select(MailingList.id).where(
                MailingList.slug == "brueckenschlag-interregional"
            )
        )
    # The joint list's people: administrators act for every controller (a
    # regional manager does not act for the joint list at all).
    login_as(Role.ADMIN)

    _header, *rows = workbook_rows(
        client, f"/subscribers/export.xlsx?list_id={interregional}"
    )

    assert [row[0] for row in rows] == ["beide@example.org"]
    assert rows[0][10] == "Newsletter Dortmund, Brückenschlag interregional"


def large_region(app, count: int = 4) -> None:
    """More Dortmund subscribers than an export in the request may have."""
    app.config["EXPORT_ROWS_IN_REQUEST"] = count - 1
    with app.app_context():
        for n in range(count - 1):
            factories.subscriber(db.session, email=f"leser{n}@example.org")
        factories.subscriber(
            db.session, email="formel@example.org", organisation="=SUM(A1:A9)"
        )
        factories.subscriber(
            db.session, email="sauerland@example.org", region="suedwestfalen"
        )


def exports_made(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SubscriberExport))


def test_a_large_export_is_written_by_the_worker_and_downloaded_from_its_page(
    app, client, login_as
):
    large_region(app)
    login_as(Role.MANAGER, "dortmund")

    offer = client.get("/subscribers/export.xlsx?status=active")
    page = offer.get_data(as_text=True)
    assert offer.status_code == 200
    assert "4 Zeilen" in page
    assert exports_made(app) == 0  # opening the link changes nothing

    ordered = client.post(
        "/subscribers/exports",
        data={"csrf_token": csrf_token(page), "status": "active"},
    )
    assert ordered.status_code == 302
    waiting = client.get(ordered.headers["Location"]).get_data(as_text=True)
    assert "wird im Hintergrund erstellt" in waiting
    assert "/download" not in waiting

    with app.app_context():
        assert run_queued_exports() == 1
    ready = client.get(ordered.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/subscribers/exports/\d+/download)"', ready).group(1)
    header, *rows = workbook_rows(client, link)
    assert sorted(row[0] for row in rows) == [
        "formel@example.org",
        "leser0@example.org",
        "leser1@example.org",
        "leser2@example.org",
    ]
    assert "'=SUM(A1:A9)" in [row[2] for row in rows]
    with app.app_context():
        assert db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "export")
        )


def test_an_export_is_only_for_the_person_who_ordered_it(
    app, client, login_as, make_user
):
    large_region(app)
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/subscribers/export.xlsx").get_data(as_text=True)
    ordered = client.post("/subscribers/exports", data={"csrf_token": csrf_token(page)})
    with app.app_context():
        run_queued_exports()
    path = ordered.headers["Location"]
    assert client.get(f"{path}/download").status_code == 200

    colleague = app.test_client()  # a manager of the same region
    login(colleague, make_user(Role.MANAGER, "dortmund", "kollege@example.org").email)
    assert colleague.get(path).status_code == 404
    assert colleague.get(f"{path}/download").status_code == 404


def test_an_analyst_can_order_no_export(app, client, login_as):
    large_region(app)
    login_as(Role.ANALYST)
    page = client.get("/").get_data(as_text=True)
    response = client.post(
        "/subscribers/exports", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 403
    assert exports_made(app) == 0


def test_ordering_an_export_needs_the_forms_csrf_token(app, client, login_as):
    large_region(app)
    login_as(Role.MANAGER, "dortmund")
    assert client.post("/subscribers/exports", data={}).status_code == 400
    assert exports_made(app) == 0


def test_an_export_is_deleted_a_day_after_it_was_ordered(app, client, login_as):
    large_region(app)
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/subscribers/export.xlsx").get_data(as_text=True)
    path = client.post(
        "/subscribers/exports", data={"csrf_token": csrf_token(page)}
    ).headers["Location"]
    with app.app_context():
        run_queued_exports()
        export = db.session.scalar(select(SubscriberExport))
        export.created_at -= timedelta(days=1, minutes=1)
        db.session.commit()
        run_queued_exports()
    assert exports_made(app) == 0
    assert client.get(f"{path}/download").status_code == 404
