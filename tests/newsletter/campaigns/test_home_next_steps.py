"""The start page leads on: a new issue in one press, the import, the drafts to
continue, and the open survey, which opens for the manager who sees it."""

import re

from core.models import Role
from tests import factories
from tests.http import csrf_token


def test_a_manager_starts_an_issue_from_the_start_page(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    factories.made_in(
        app, factories.campaign, region="suedwestfalen"
    )  # a draft called "Märzausgabe"
    home = client.get("/").get_data(as_text=True)
    assert "Nächste Schritte" in home
    assert "Märzausgabe" in home.split("Entwurf fortsetzen")[1]
    assert 'href="/subscribers/import"' in home
    created = client.post("/campaigns/new", data={"csrf_token": csrf_token(home)})
    assert created.status_code == 302
    assert re.search(r"/campaigns/\d+$", created.headers["Location"])


def test_the_open_survey_on_the_start_page_opens_for_its_manager(app, client, login_as):
    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    home = client.get("/").get_data(as_text=True)
    assert "Was brauchen Sie?" in home
    for link in re.findall(r'href="(/(?:surveys|analysis)/\d+)"', home):
        assert client.get(link).status_code == 200, link
    assert f'href="/surveys/{survey_id}"' in home


def test_an_analyst_gets_no_next_steps(app, client, login_as):
    login_as(Role.ANALYST)
    assert "Nächste Schritte" not in client.get("/").get_data(as_text=True)


def test_a_new_issue_starts_from_a_previous_one(app, client, login_as):
    from core.db import db
    from newsletter.campaigns.models import Campaign

    previous = factories.made_in(app, factories.campaign, region="suedwestfalen")
    login_as(Role.MANAGER, "suedwestfalen")
    page = client.get("/campaigns").get_data(as_text=True)
    assert f'value="issue:{previous}"' in page
    created = client.post(
        "/campaigns/new",
        data={"csrf_token": csrf_token(page), "start": f"issue:{previous}"},
    )
    new_id = int(created.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        old, new = db.session.get(Campaign, previous), db.session.get(Campaign, new_id)
        assert new.blocks == old.blocks
        assert new.status == "draft"
        assert new.list_ids == old.list_ids
