"""The subscriber export as a manager opens it in Excel: one row per subscriber of her
regions, with district, region and the newsletters the person still receives."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from core.db import db
from core.models import District, Role
from newsletter.audience.models import MailingList, Subscription
from tests import factories


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
    login_as(Role.MANAGER, "dortmund")

    _header, *rows = workbook_rows(
        client, f"/subscribers/export.xlsx?list_id={interregional}"
    )

    assert [row[0] for row in rows] == ["beide@example.org"]
    assert rows[0][10] == "Newsletter Dortmund, Brückenschlag interregional"
