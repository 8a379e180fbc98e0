"""A custom MJML layout: broken ones are refused with their line, good ones are used."""

from sqlalchemy import select

from core.db import db
from core.models import Region, Role
from newsletter.campaigns.layouts import STARTER
from newsletter.campaigns.models import Campaign
from newsletter.campaigns.rendering import compile_campaign
from tests import factories
from tests.http import csrf_token


def stored_layout(app):
    with app.app_context():
        return db.session.scalar(
            select(Region.custom_layout).where(Region.slug == "dortmund")
        )


def test_broken_mjml_is_shown_with_its_line_and_not_saved(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/layouts/dortmund").get_data(as_text=True)
    broken = STARTER.replace("</mj-section>", "</mj-sektion>", 1)
    response = client.post(
        "/layouts/dortmund",
        data={"csrf_token": csrf_token(page), "action": "save", "layout": broken},
    )
    html = response.get_data(as_text=True)
    assert "Nicht gespeichert" in html
    line = next(
        n for n, text in enumerate(broken.splitlines(), 1) if "mj-sektion" in text
    )
    assert f"Zeile {line}:" in html
    assert stored_layout(app) is None
    jinja = client.post(
        "/layouts/dortmund",
        data={
            "csrf_token": csrf_token(page),
            "action": "save",
            "layout": STARTER + "{% if %}",
        },
    )
    assert "Nicht gespeichert" in jinja.get_data(as_text=True)


def test_a_good_layout_is_saved_and_used_with_personal_links_intact(
    app, client, login_as
):
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/layouts/dortmund").get_data(as_text=True)
    mine = STARTER.replace("Brückenschlag {{ region.name }}", "Unser Dortmund-Layout")
    assert mine != STARTER
    client.post(
        "/layouts/dortmund",
        data={"csrf_token": csrf_token(page), "action": "save", "layout": mine},
    )
    assert stored_layout(app) == mine
    with app.app_context():
        campaign_id = factories.campaign(db.session).id
    with app.app_context():
        compiled = compile_campaign(db.session.get(Campaign, campaign_id), "de")
    assert "Unser Dortmund-Layout" in compiled.html
    assert "{{ unsubscribe_url }}" in compiled.html


def test_another_regions_layout_is_404(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    assert client.get("/layouts/suedwestfalen").status_code == 404
