"""The interregional list has its own welcome mail, made by the interregional
manager (or an administrator): whoever confirms the joint list gets it from both
agencies, nobody who joined only a region's list does; regional managers cannot
open it. Read at the real SMTP server."""

import pytest
from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.sending.models import WelcomeMail
from tests import factories
from tests.http import csrf_token, login
from tests.newsletter.sending.test_welcome_mails import (
    edit,
    post_form,
    run_worker,
    set_up,
)
from tests.privacy.test_joint_sender import BOTH, sender_of

JOINT = "brueckenschlag-interregional"
PAGE = "/welcome/interregional"


def test_who_confirms_the_joint_list_is_welcomed_by_both_agencies(
    app, client, login_as, smtp_server
):
    login_as(Role.MANAGER, None)
    assert client.get("/welcome").headers["Location"].endswith(PAGE)
    campaign_id = set_up(client, PAGE)
    edit(
        client,
        campaign_id,
        subject_de="Willkommen beim gemeinsamen Newsletter",
        text="{{ greeting }}, schön, dass Sie beiden Regionen folgen!",
    )
    saved = post_form(client, PAGE, 1)
    assert saved.status_code == 302
    assert "Eingeschaltet." in client.get(PAGE).get_data(as_text=True)
    with app.app_context():
        factories.subscriber(
            db.session, email="jo@example.org", region="suedwestfalen", lists=[JOINT]
        )
        factories.subscriber(
            db.session,
            email="dora@example.org",
            region="dortmund",
            lists=["newsletter-dortmund"],
        )

    run_worker(app)

    [welcome] = smtp_server.to("jo@example.org")
    assert welcome["Subject"] == "Willkommen beim gemeinsamen Newsletter"
    name, _address = sender_of(welcome)
    for agency in BOTH:
        assert agency in name
    assert smtp_server.to("dora@example.org") == []


@pytest.mark.parametrize("region", ["suedwestfalen", "dortmund"])
def test_a_regional_manager_cannot_open_or_change_it(app, make_user, region):
    client = app.test_client()
    login(client, make_user(Role.MANAGER, region).email)
    assert client.get(PAGE).status_code == 404
    token = csrf_token(client.get("/").get_data(as_text=True))
    posted = client.post(
        PAGE,
        data={
            "step": "1",
            "w1-csrf_token": token,
            "w1-enabled": "y",
        },
    )
    assert posted.status_code == 404
    posted = client.post(
        PAGE, data={"step": "1", "csrf_token": token, "action": "edit"}
    )
    assert posted.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(WelcomeMail)) is None


def test_an_administrator_finds_it_beside_the_regions(app, client, login_as):
    login_as(Role.ADMIN)
    page = client.get(PAGE).get_data(as_text=True)
    for slug in ("suedwestfalen", "dortmund", "interregional"):
        assert f'href="/welcome/{slug}"' in page
