"""One person, three controllers: Mia reads Dortmund's and Südwestfalen's newsletters
and the joint interregional one, and answered a survey of each region. Each manager
sees, exports and erases only what her own controller holds about Mia (its lists,
issues and surveys); Mia's own export shows everything, and so does an
administrator's."""

import json
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from core.db import db, utcnow
from core.models import Role
from newsletter.audience.models import Subscriber
from newsletter.sending.models import Delivery
from surveys.models import SurveyResponse
from tests import factories
from tests.fixtures.smtp import link_in
from tests.http import csrf_token, login
from tests.privacy.person import answer_survey, send_due

EMAIL = "mia.brandt@example.org"
JOINT = "brueckenschlag-interregional"
SWF = "newsletter-suedwestfalen"
DO = "newsletter-dortmund"
ISSUES = {
    "dortmund": "Hafenbrief Dortmund",
    "suedwestfalen": "Sauerlandpost Südwestfalen",
    None: "Brückenbrief gemeinsam",
}
SURVEYS = {"dortmund": "Umfrage Phoenix-See", "suedwestfalen": "Umfrage Lennetal"}
FREE_TEXTS = {
    "dortmund": "Dortmunder Antwort: Laborflächen am Phoenix-See",
    "suedwestfalen": "Sauerländer Antwort: Glasfaser im Lennetal",
}


@dataclass(frozen=True)
class Mia:
    subscriber_id: int
    preferences_path: str


@pytest.fixture
def mia(app, client, smtp_server) -> Mia:
    """Mia on all three controllers' lists, one issue of each sent to her over SMTP,
    and each region's survey answered from its mail with free text."""
    with app.app_context():
        factories.subscriber(
            db.session, email=EMAIL, region="dortmund", lists=[DO, JOINT], name="Mia"
        )
        person = factories.subscriber(
            db.session, email=EMAIL, region="suedwestfalen", lists=[SWF]
        )
        person_id = person.id
    for region, subject in ISSUES.items():
        with app.app_context():
            if region is None:
                made = factories.campaign(db.session, subject=subject, lists=[JOINT])
                made.region_id = None
            else:
                survey = factories.survey(
                    db.session, region=region, title=SURVEYS[region]
                )
                made = factories.campaign(
                    db.session,
                    region=region,
                    subject=subject,
                    title=subject,
                    blocks=factories.survey_blocks(survey.id),
                )
            made.status = "scheduled"
            made.scheduled_at = utcnow()
            made.title = subject
            db.session.commit()
            survey_id = None if region is None else survey.id
        mail = sent_to_mia(app, smtp_server, subject)
        if survey_id is not None:
            answer_survey(app, client, mail, survey_id, FREE_TEXTS[region])
    return Mia(person_id, link_in(mail, "/einstellungen/"))


def sent_to_mia(app, smtp_server, subject: str):
    """The issue as it arrived; the worker runs again (as it does every few
    seconds) when a loaded machine ended its run before this issue went out."""
    for _run in range(4):
        send_due(app)
        found = [m for m in smtp_server.to(EMAIL) if m["Subject"] == subject]
        if found:
            [mail] = found
            return mail
    raise AssertionError(f"{subject!r} never arrived")


def manager(app, make_user, role: Role, region: str | None):
    browser = app.test_client()
    login(browser, make_user(role, region).email)
    return browser


def seen_by(browser, mia: Mia) -> tuple[dict, str, str]:
    """The JSON export, the printable export and the subscriber page."""
    path = f"/subscribers/{mia.subscriber_id}"
    data = json.loads(browser.get(f"{path}/data.json").get_data(as_text=True))
    return (
        data,
        browser.get(f"{path}/data").get_data(as_text=True),
        (browser.get(path).get_data(as_text=True)),
    )


def issues_in(data: dict) -> set[str]:
    return {row["issue"] for row in data["deliveries"]}


def surveys_in(data: dict) -> set[str]:
    return {row["survey"] for row in data["survey_responses"]}


@pytest.mark.parametrize(
    ("region", "other"), [("dortmund", "suedwestfalen"), ("suedwestfalen", "dortmund")]
)
def test_a_regional_manager_sees_only_her_controllers_part_of_a_person(
    app, make_user, mia, region, other
):
    data, printable, detail = seen_by(
        manager(app, make_user, Role.MANAGER, region), mia
    )
    assert issues_in(data) == {ISSUES[region]}
    assert surveys_in(data) == {SURVEYS[region]}
    for page in (printable, detail):
        assert ISSUES[region] in page
        for foreign in (ISSUES[other], ISSUES[None], SURVEYS[other], FREE_TEXTS[other]):
            assert foreign not in page, foreign
    assert FREE_TEXTS[region] in printable


def test_the_interregional_manager_sees_only_the_joint_part(app, make_user, mia):
    data, printable, detail = seen_by(manager(app, make_user, Role.MANAGER, None), mia)
    assert issues_in(data) == {ISSUES[None]}
    assert surveys_in(data) == set()
    assert data["kompetenzlandschaft"] == []
    for page in (printable, detail):
        for foreign in (*ISSUES.values(), *SURVEYS.values(), *FREE_TEXTS.values()):
            if foreign != ISSUES[None]:
                assert foreign not in page, foreign


def test_the_person_and_an_administrator_see_everything(app, client, make_user, mia):
    own = client.get(f"{mia.preferences_path}/meine-daten.json").get_json()
    data, printable, detail = seen_by(manager(app, make_user, Role.ADMIN, None), mia)
    for export in (own, data):
        assert issues_in(export) == set(ISSUES.values())
        assert surveys_in(export) == set(SURVEYS.values())
    for text in (*ISSUES.values(), *FREE_TEXTS.values()):
        assert text in printable
    for issue in ISSUES.values():
        assert issue in detail


def test_erasure_by_one_manager_leaves_the_other_controllers_part(
    app, client, make_user, mia, list_ids
):
    dortmund = manager(app, make_user, Role.MANAGER, "dortmund")
    page = dortmund.get(f"/subscribers/{mia.subscriber_id}").get_data(as_text=True)
    erased = dortmund.post(
        f"/subscribers/{mia.subscriber_id}/erase",
        data={"csrf_token": csrf_token(page)},
    )
    assert erased.status_code == 302
    assert dortmund.get(f"/subscribers/{mia.subscriber_id}").status_code == 404
    with app.app_context():
        person = db.session.get(Subscriber, mia.subscriber_id)
        assert person.email == EMAIL  # Südwestfalen and the joint list still hold her
        assert {s.list_id for s in person.subscriptions} == {
            list_ids[SWF],
            list_ids[JOINT],
        }
    # Dortmund's issue and Dortmund's answer are no longer hers; the rest is.
    own = client.get(f"{mia.preferences_path}/meine-daten.json").get_json()
    assert issues_in(own) == {ISSUES["suedwestfalen"], ISSUES[None]}
    assert surveys_in(own) == {SURVEYS["suedwestfalen"]}
    assert FREE_TEXTS["dortmund"] not in json.dumps(own, ensure_ascii=False)
    with app.app_context():
        assert db.session.scalar(
            select(Delivery.id).where(Delivery.subscriber_id.is_(None))
        )
        assert db.session.scalar(
            select(SurveyResponse.id).where(SurveyResponse.subscriber_id.is_(None))
        )
    swf = manager(app, make_user, Role.MANAGER, "suedwestfalen")
    data, printable, _detail = seen_by(swf, mia)
    assert issues_in(data) == {ISSUES["suedwestfalen"]}
    assert FREE_TEXTS["suedwestfalen"] in printable
