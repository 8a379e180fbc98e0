"""The person page and the personal-data export (Art. 15) a manager opens show what
her controller holds of a person on several agencies' lists: her lists' consents,
status and dates, not the region the record began in nor when it began there
(outside review, M5)."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import db, utcnow
from core.models import Role
from newsletter.audience.models import Subscriber
from tests import factories

EMAIL = "lea.roth@example.org"
LONG_AGO = timedelta(days=400)


@pytest.fixture
def lea(app) -> int:
    """Signed up in Südwestfalen (and the joint list) 400 days ago; Dortmund's list
    joined today, its confirmation still awaited."""
    with app.app_context():
        factories.subscriber(
            db.session,
            email=EMAIL,
            region="suedwestfalen",
            lists=["newsletter-suedwestfalen", "brueckenschlag-interregional"],
        )
        factories.subscriber(
            db.session,
            email=EMAIL,
            region="dortmund",
            lists=["newsletter-dortmund"],
            confirmed=False,
        )
        person = db.session.scalar(select(Subscriber).where(Subscriber.email == EMAIL))
        person.created_at = person.confirmed_at = utcnow() - LONG_AGO
        for sub in person.subscriptions:
            if sub.mailing_list.slug != "newsletter-dortmund":
                sub.created_at = sub.confirmed_at = utcnow() - LONG_AGO
        db.session.commit()
        return person.id


def long_ago() -> tuple[str, str]:
    """Her Südwestfalen sign-up day as the JSON and as the pages write it (short
    and long years both start so)."""
    moment = utcnow() - LONG_AGO
    return moment.strftime("%Y-%m-%d"), moment.strftime("%d.%m.%y")


def test_dortmunds_manager_sees_dortmunds_part_only(app, client, login_as, lea):
    login_as(Role.MANAGER, "dortmund")

    data = json.loads(client.get(f"/subscribers/{lea}/data.json").get_data())
    pages = [
        client.get(f"/subscribers/{lea}").get_data(as_text=True),
        client.get(f"/subscribers/{lea}/data").get_data(as_text=True),
        client.get(f"/subscribers/{lea}/edit").get_data(as_text=True),
    ]

    profile = data["profile"]
    assert "region" not in profile
    assert profile["status"] == "pending"  # her state on Dortmund's list
    assert profile["signed_up_at"].startswith(utcnow().strftime("%Y-%m-%d"))
    assert profile["confirmed_at"] is None
    iso, german = long_ago()
    assert iso not in json.dumps(data)
    for page in pages:
        main = page.split("<main")[1].split("</main>")[0]
        assert "Südwestfalen" not in main
        assert german not in main


def test_the_interregional_manager_sees_the_joint_part_only(app, client, login_as, lea):
    login_as(Role.MANAGER, None)

    data = json.loads(client.get(f"/subscribers/{lea}/data.json").get_data())
    page = client.get(f"/subscribers/{lea}").get_data(as_text=True)

    assert "region" not in data["profile"]
    assert data["profile"]["status"] == "active"
    assert [s["list"] for s in data["subscriptions"]] == ["Brückenschlag interregional"]
    main = page.split("<main")[1].split("</main>")[0]
    assert "Newsletter Südwestfalen" not in main
    assert "Region" not in main


def test_a_controller_holding_all_of_her_sees_the_whole_record(app, client, login_as):
    with app.app_context():
        person = factories.subscriber(
            db.session, email=EMAIL, region="dortmund", lists=["newsletter-dortmund"]
        )
        person.created_at = utcnow() - LONG_AGO
        db.session.commit()
        person_id = person.id
    login_as(Role.MANAGER, "dortmund")

    data = json.loads(client.get(f"/subscribers/{person_id}/data.json").get_data())
    page = client.get(f"/subscribers/{person_id}").get_data(as_text=True)

    assert data["profile"]["region"] == "Dortmund"
    assert data["profile"]["signed_up_at"].startswith(long_ago()[0])
    assert long_ago()[1] in page


def test_the_agency_she_began_with_still_sees_where_she_signed_up(
    app, client, login_as, lea
):
    login_as(Role.MANAGER, "suedwestfalen")

    data = json.loads(client.get(f"/subscribers/{lea}/data.json").get_data())

    assert data["profile"]["region"] == "Südwestfalen"
    assert data["profile"]["signed_up_at"].startswith(long_ago()[0])
