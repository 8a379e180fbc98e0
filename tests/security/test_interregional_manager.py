"""An interregional manager acts for the joint controllership only: she makes and
sends the interregional issues and surveys, and cannot open, change, schedule, send
or start from a region's own issues, welcome mails, layouts, surveys or reminders
(each answers 404, as for anything that does not exist); what she is offered to
choose is interregional only. A regional manager cannot make an interregional one."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.db import db, utcnow
from core.models import Region, Role
from newsletter.campaigns.models import BlockTemplate, Campaign, CampaignStatus
from newsletter.sending.welcome import WelcomeInput
from surveys.models import Question, ReminderPlan, Survey
from tests import factories
from tests.http import csrf_token, login
from tests.newsletter.sending.test_welcome_mails import welcome_with_text

SWF_TITLE = "Sauerland-Ausgabe"
SWF_SURVEY = "Was braucht das Sauerland?"


@pytest.fixture
def regional(app) -> dict[str, int]:
    """Südwestfalen's own things: a scheduled issue, a template, a survey with a
    reminder plan, a welcome mail."""
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == "suedwestfalen"))
        issue = factories.campaign(
            db.session,
            region="suedwestfalen",
            title=SWF_TITLE,
            status=CampaignStatus.SCHEDULED,
            scheduled_at=utcnow() + timedelta(days=3),
        )
        template = BlockTemplate(name="Sauerland-Vorlage", region_id=region.id)
        db.session.add(template)
        survey = factories.survey(db.session, region="suedwestfalen", title=SWF_SURVEY)
        db.session.add(ReminderPlan(survey_id=survey.id, steps=1, interval_days=7))
        welcome = welcome_with_text(
            db.session,
            region,
            {"de": "Willkommen im Sauerland"},
            {"de": "Hallo"},
            WelcomeInput(False, 7),
        )
        db.session.commit()
        return {
            "campaign": issue.id,
            "template": template.id,
            "survey": survey.id,
            "welcome": welcome.campaign_id,
            "region": region.id,
        }


def interregional_manager(app, make_user):
    client = app.test_client()
    login(client, make_user(Role.MANAGER, None).email)
    return client


def concrete(rule: str, ids: dict[str, int]) -> str:
    """The rule's URL for Südwestfalen's things."""
    values = {
        "campaign_id": ids["campaign"],
        "survey_id": ids["survey"],
        "region_slug": "suedwestfalen",
    }
    return re.sub(
        r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values.get(m.group(1), 1)), rule
    )


def regional_object_rules(app):
    """Every manager's route about one issue, survey or region's mails."""
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "permission", None) not in ("campaigns", "surveys"):
            continue
        if {"campaign_id", "survey_id", "region_slug"} & set(rule.arguments):
            yield rule


POSTED = {
    # Whatever each form asks for: schedule, cancel, save, copy, delete.
    "action": "cancel",
    "title": "Übernommen",
    "step": "1",
    "w1-enabled": "y",
    "w1-subject_de": "Gekapert",
    "w1-body_de": "Gekapert",
    "steps": "2",
    "interval_days": "3",
    "subject_de": "Gekapert",
    "body_de": "Gekapert",
    "name": "Kopie",
    "layout": "<mjml></mjml>",
}


def test_she_cannot_open_or_change_a_regions_issue_survey_welcome_mail_or_layout(
    app, make_user, regional
):
    client = interregional_manager(app, make_user)
    token = csrf_token(client.get("/campaigns").get_data(as_text=True))
    rules = list(regional_object_rules(app))
    assert len(rules) > 15
    for rule in rules:
        url = concrete(rule.rule, regional)
        if "GET" in rule.methods:
            assert client.get(url).status_code == 404, url
        if "POST" in rule.methods:
            posted = client.post(url, data={**POSTED, "csrf_token": token})
            assert posted.status_code == 404, url
    with app.app_context():
        issue = db.session.get(Campaign, regional["campaign"])
        assert issue.status == CampaignStatus.SCHEDULED
        assert issue.title == SWF_TITLE
        survey = db.session.get(Survey, regional["survey"])
        assert survey.title == {"de": SWF_SURVEY}
        assert db.session.get(ReminderPlan, survey.id).steps == 1
        welcome = db.session.get(Campaign, regional["welcome"])
        assert welcome.subject == {"de": "Willkommen im Sauerland"}
        assert db.session.scalar(select(func.count()).select_from(Campaign)) == 2
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 1
        assert db.session.get(Region, regional["region"]).custom_layout is None


def test_she_cannot_start_from_a_regions_issue_or_template(app, make_user, regional):
    client = interregional_manager(app, make_user)
    token = csrf_token(client.get("/campaigns").get_data(as_text=True))
    for start in (f"issue:{regional['campaign']}", f"template:{regional['template']}"):
        made = client.post("/campaigns/new", data={"csrf_token": token, "start": start})
        assert made.status_code == 404, start
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Campaign)) == 2


@pytest.mark.parametrize("path", ["/campaigns/new", "/surveys"])
def test_a_forged_region_in_her_create_form_is_refused(app, make_user, regional, path):
    client = interregional_manager(app, make_user)
    token = csrf_token(client.get("/campaigns").get_data(as_text=True))
    made = client.post(
        path,
        data={"csrf_token": token, "region_id": regional["region"], "title": "Neu"},
    )
    assert made.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Campaign)) == 2
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 1


@pytest.mark.parametrize(
    ("path", "model"), [("/campaigns/new", Campaign), ("/surveys", Survey)]
)
def test_what_she_creates_is_interregional(app, make_user, path, model):
    client = interregional_manager(app, make_user)
    token = csrf_token(client.get("/campaigns").get_data(as_text=True))
    made = client.post(path, data={"csrf_token": token, "title": "Gemeinsam"})
    assert made.status_code == 302
    with app.app_context():
        [created] = db.session.scalars(select(model))
        assert created.region_id is None


def test_her_pages_offer_interregional_things_only(app, make_user, regional):
    with app.app_context():
        joint = factories.campaign(
            db.session, region="dortmund", title="Gemeinsame Ausgabe"
        )
        joint.region_id = None
        db.session.commit()
    client = interregional_manager(app, make_user)
    issues = client.get("/campaigns").get_data(as_text=True)
    assert "Gemeinsame Ausgabe" in issues
    assert SWF_TITLE not in issues
    assert "Sauerland-Vorlage" not in issues
    assert 'name="region_id"' not in issues  # nothing to choose: joint only
    surveys = client.get("/surveys").get_data(as_text=True)
    assert SWF_SURVEY not in surveys
    assert 'name="region_id"' not in surveys
    home = client.get("/").get_data(as_text=True)
    assert SWF_TITLE not in home
    layouts = client.get("/layouts").get_data(as_text=True)
    assert "/layouts/suedwestfalen" not in layouts
    assert "/layouts/dortmund" not in layouts
    welcome = client.get("/welcome").headers["Location"]
    assert welcome.endswith("/welcome/interregional")  # the joint list's own
    welcome_page = client.get(welcome).get_data(as_text=True)
    assert "/welcome/suedwestfalen" not in welcome_page


def test_a_regions_free_text_and_contact_wishes_are_not_hers(app, make_user, regional):
    client = interregional_manager(app, make_user)
    survey = regional["survey"]
    for path in (f"/analysis/{survey}/free-text", f"/analysis/{survey}/introductions"):
        assert client.get(path).status_code == 404, path
    # The figures are aggregates: those she may compare, as an analyst may.
    assert client.get(f"/analysis/{survey}").status_code == 200


def test_a_regional_manager_cannot_make_an_interregional_issue_or_survey(
    app, make_user, region_ids
):
    client = app.test_client()
    login(client, make_user(Role.MANAGER, "suedwestfalen").email)
    token = csrf_token(client.get("/campaigns").get_data(as_text=True))
    for path in ("/campaigns/new", "/surveys"):
        forged = client.post(
            path,
            data={"csrf_token": token, "region_id": region_ids["dortmund"]},
        )
        assert forged.status_code == 404, path
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0
        assert db.session.scalar(select(func.count()).select_from(Question)) == 0
