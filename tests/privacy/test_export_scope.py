"""A manager's subscriber export (CSV and XLSX) holds what her controller holds of a
person on several agencies' lists: her lists, her status and dates there, never
another agency's lists or sign-up times (outside review, HIGH)."""

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from core.db import db, utcnow
from core.models import Role
from newsletter.audience.models import Subscriber
from tests import factories

EMAIL = "lea.roth@example.org"


def lea_on_both(app) -> None:
    """Confirmed in Südwestfalen long ago; Dortmund's list still awaiting her."""
    with app.app_context():
        factories.subscriber(
            db.session,
            email=EMAIL,
            region="suedwestfalen",
            lists=["newsletter-suedwestfalen", "brueckenschlag-interregional"],
        )
        person = factories.subscriber(
            db.session,
            email=EMAIL,
            region="dortmund",
            lists=["newsletter-dortmund"],
            confirmed=False,
        )
        person = db.session.get(Subscriber, person.id)
        for sub in person.subscriptions:
            if sub.mailing_list.slug != "newsletter-dortmund":
                sub.created_at = sub.confirmed_at = utcnow() - timedelta(days=400)
        db.session.commit()


def test_the_dortmund_export_shows_only_dortmunds_part(app, client, login_as):
    lea_on_both(app)
    login_as(Role.MANAGER, "dortmund")

    response = client.get("/subscribers/export.csv?q=lea")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data(as_text=True)
    [row] = [r for r in csv.reader(io.StringIO(body.lstrip("\ufeff"))) if EMAIL in r]
    workbook = load_workbook(
        io.BytesIO(client.get("/subscribers/export.xlsx?q=lea").get_data())
    )
    [sheet_row] = [
        [str(c or "") for c in r]
        for r in workbook.active.iter_rows(values_only=True)
        if EMAIL in r
    ]

    for found in (row, sheet_row):
        text = " | ".join(found)
        assert "Newsletter Südwestfalen" not in text
        assert "Südwestfalen" not in text  # nor the region her record began in
        assert "interregional" not in text
        assert "pending" in text or "unbestätigt" in text  # her state in Dortmund
        year_ago = (utcnow() - timedelta(days=400)).strftime("%Y-%m-%d")
        assert year_ago not in text  # her Südwestfalen sign-up time


def test_an_administrator_still_sees_every_list(app, client, login_as):
    lea_on_both(app)
    login_as(Role.ADMIN)

    response = client.get("/subscribers/export.csv?q=lea")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data(as_text=True)

    assert "Newsletter Südwestfalen" in body
    assert "Brückenschlag interregional" in body
