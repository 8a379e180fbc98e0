"""Welcome mails: after a confirmed sign-up, the region's welcome mail in the
person's language, once, through the outbox; optionally a second one some days
later; never to someone who withdrew meanwhile. Read at the real SMTP server."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.audience.import_jobs import run_queued_imports
from newsletter.audience.models import ConsentEvent, Subscriber
from newsletter.audience.subscriptions import unsubscribe
from newsletter.campaigns.models import Campaign
from newsletter.sending.sender import Sender
from newsletter.sending.welcome import WelcomeInput, enqueue_welcome_mails, save_welcome
from surveys.models import Option, SurveyResponse
from tests import factories
from tests.fixtures.smtp import link_in, text_of
from tests.http import csrf_token
from tests.newsletter.audience.test_import import upload
from tests.surveys.test_answering import answer_first, button_links

WELCOME_DE = "{{ greeting }}, schön, dass Sie dabei sind!"
WELCOME_EN = "{{ greeting }}, welcome aboard!"


def switch_on(
    app, step=1, delay_days=0, body_de=WELCOME_DE, enabled=True, region="dortmund"
):
    """The region's welcome mail of this step with a text block per language,
    switched on (or off)."""
    with app.app_context():
        welcome_with_text(
            db.session,
            factories.find_region(db.session, region),
            {"de": f"Willkommen ({step})", "en": f"Welcome ({step})"},
            {"de": body_de, "en": WELCOME_EN},
            WelcomeInput(enabled, delay_days),
            step,
        )
        db.session.commit()


def welcome_with_text(session, region, subject, body, given, step=1):
    """A welcome mail (of a region, or None: of the joint list) whose content is a
    subject and one text block per language, then switched as `given` says; the
    caller commits."""
    mail = save_welcome(session, region, step, WelcomeInput(False, given.delay_days))
    campaign = session.get(Campaign, mail.campaign_id)
    campaign.subject = dict(subject)
    campaign.blocks = {
        language: [{"id": "welcome", "type": "text", "body": text}]
        for language, text in body.items()
    }
    return save_welcome(session, region, step, given)


def sign_up(app, email, language="de"):
    with app.app_context():
        factories.subscriber(db.session, email=email, language=language, name="Bea")


def run_worker(app, sender=None):
    """One round of the worker's jobs: queue welcome mails, send."""
    with app.app_context():
        enqueue_welcome_mails(db.session)
        (sender or Sender(app, "worker")).run(budget_seconds=30)


def received(smtp_server) -> Counter:
    return Counter(
        (r.envelope_to[0], r.message["Subject"]) for r in smtp_server.handler.received
    )


def test_whoever_confirms_after_it_is_on_is_welcomed_once_in_her_language(
    app, smtp_server
):
    sign_up(app, "before@example.org")
    switch_on(app)
    sign_up(app, "bea@example.org")
    sign_up(app, "carl@example.org", language="en")

    run_worker(app)
    run_worker(app)

    assert received(smtp_server) == {
        ("bea@example.org", "Willkommen (1)"): 1,
        ("carl@example.org", "Welcome (1)"): 1,
    }
    assert "Hallo Bea, schön, dass Sie dabei sind!" in text_of(
        smtp_server.to("bea@example.org")[0]
    )
    with app.app_context():  # a standing campaign: it keeps welcoming
        kinds = db.session.execute(select(Campaign.kind, Campaign.status)).all()
    assert kinds == [("welcome", "sending")]


def test_an_import_welcomes_only_who_confirms_her_opt_in_mail(
    app, list_ids, client, login_as, smtp_server
):
    switch_on(app, region="suedwestfalen")
    login_as(Role.MANAGER, "suedwestfalen")
    swf = list_ids["newsletter-suedwestfalen"]
    review = client.get(
        upload(client, "kontakte_windows1252_semikolon.csv", [swf]).headers["Location"]
    ).get_data(as_text=True)
    apply_url = re.search(r'action="([^"]+/apply)"', review).group(1)
    client.post(apply_url, data={"csrf_token": csrf_token(review)})
    with app.app_context():
        run_queued_imports()
    confirm = client.get(
        link_in(smtp_server.to("petra.koenig@example.org")[0], "/bestaetigen/")
    ).get_data(as_text=True)
    client.post(
        link_in(smtp_server.to("petra.koenig@example.org")[0], "/bestaetigen/"),
        data={"csrf_token": csrf_token(confirm)},
    )
    smtp_server.handler.received.clear()

    run_worker(app)

    # The imported contacts with documented consent confirmed nothing just now.
    assert received(smtp_server) == {("petra.koenig@example.org", "Willkommen (1)"): 1}


def test_who_withdraws_before_it_goes_gets_none(app, smtp_server):
    switch_on(app)
    sign_up(app, "early@example.org")
    sign_up(app, "queued@example.org")
    with app.app_context():
        early = factories.find_list(db.session, "newsletter-dortmund")
        person = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "early@example.org")
        )
        unsubscribe(db.session, person.id, early.id)
        db.session.commit()
        enqueue_welcome_mails(db.session)
        queued = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "queued@example.org")
        )
        unsubscribe(db.session, queued.id, early.id)  # after it was queued
        db.session.commit()
        Sender(app, "worker").run(budget_seconds=30)
    assert received(smtp_server) == {}


def test_the_second_mail_goes_after_its_days_once(app, smtp_server):
    switch_on(app, step=1)
    switch_on(app, step=2, delay_days=3)
    sign_up(app, "bea@example.org")
    run_worker(app)
    assert received(smtp_server) == {("bea@example.org", "Willkommen (1)"): 1}

    with app.app_context():  # four days later
        for row in [
            *db.session.scalars(select(ConsentEvent)),
            *db.session.scalars(select(Campaign)),
        ]:
            for column in ("at", "started_at"):
                if getattr(row, column, None):
                    setattr(row, column, getattr(row, column) - timedelta(days=4))
        db.session.commit()
    run_worker(app)
    run_worker(app)
    assert received(smtp_server) == {
        ("bea@example.org", "Willkommen (1)"): 1,
        ("bea@example.org", "Willkommen (2)"): 1,
    }


def test_an_edited_text_goes_out_with_the_next_mail_of_a_running_worker(
    app, smtp_server
):
    switch_on(app)
    sender = Sender(app, "long-running")
    sign_up(app, "bea@example.org")
    run_worker(app, sender)
    switch_on(app, body_de="{{ greeting }}, neu formuliert.")
    sign_up(app, "dora@example.org")
    run_worker(app, sender)
    assert "neu formuliert" in text_of(smtp_server.to("dora@example.org")[0])


def test_switched_off_it_welcomes_nobody_not_even_later(app, smtp_server):
    switch_on(app)
    switch_on(app, enabled=False)
    sign_up(app, "while-off@example.org")
    run_worker(app)
    switch_on(app)
    run_worker(app)
    assert received(smtp_server) == {}


def form_data(step, **values):
    data = {"step": str(step), "enabled": "y", **values}
    return {f"w{step}-{k}" if k != "step" else k: v for k, v in data.items()}


def post_form(client, page, step, **values):
    html = client.get(page).get_data(as_text=True)
    token = html.split(f'name="w{step}-csrf_token" type="hidden" value="')[1]
    return client.post(
        page,
        data={**form_data(step, **values), f"w{step}-csrf_token": token.split('"')[0]},
    )


def set_up(client, page, step=1):
    """Press "Einrichten und Inhalt bearbeiten": the id of the mail's campaign,
    whose editor opens."""
    html = client.get(page).get_data(as_text=True)
    response = client.post(
        page, data={"csrf_token": csrf_token(html), "step": str(step), "action": "edit"}
    )
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1].split("?")[0])


def edit(client, campaign_id, action="save", **fields):
    """Save the issue editor of the campaign (German), with these fields typed;
    `text` goes into the first text block."""
    page = client.get(f"/campaigns/{campaign_id}?lang=de").get_data(as_text=True)
    blocks = re.findall(r'name="block" value="([^"]+)"', page)
    data = {
        "csrf_token": csrf_token(page),
        "lang": "de",
        "action": action,
        "block": blocks,
        "subject_de": "Willkommen bei Brückenschlag Dortmund",
    }
    if "text" in fields:
        data[f"b-{blocks[0]}-body"] = fields.pop("text")
    data.update(fields)
    return client.post(f"/campaigns/{campaign_id}?lang=de", data=data)


def test_a_manager_edits_her_regions_welcome_mail_as_blocks_and_previews_it(
    app, client, login_as, smtp_server
):
    login_as(Role.MANAGER, "dortmund")
    assert client.get("/welcome").headers["Location"].endswith("/welcome/dortmund")
    page = "/welcome/dortmund"
    campaign_id = set_up(client, page)
    editor = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'name="new_type"' in editor  # the issue editor's blocks
    assert "Zielgruppe: wer einen Verteiler von Dortmund selbst bestätigt" in editor
    assert edit(client, campaign_id, text="Schön, dass Sie da sind.").status_code == 302

    assert post_form(client, page, 1).status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Eingeschaltet." in html
    assert "An 0 Personen verschickt." in html
    preview = html.split('class="preview-desktop"')[1].split('src="')[1].split('"')[0]
    shown = client.get(preview.replace("&amp;", "&")).get_data(as_text=True)
    assert "Schön, dass Sie da sind." in shown
    assert "Willkommen" not in client.get("/campaigns").get_data(as_text=True)

    sign_up(app, "bea@example.org")
    run_worker(app)
    assert "An 1 Person verschickt." in client.get(page).get_data(as_text=True)
    [mail] = smtp_server.to("bea@example.org")
    assert mail["Subject"] == "Willkommen bei Brückenschlag Dortmund"


def add_survey_block(client, campaign_id, survey_id):
    edit(client, campaign_id, action="add", new_type="survey_question")
    page = client.get(f"/campaigns/{campaign_id}?lang=de").get_data(as_text=True)
    block = re.findall(r'name="block" value="([^"]+)"', page)[-1]
    return block, edit(client, campaign_id, **{f"b-{block}-survey": str(survey_id)})


def test_a_survey_question_in_the_welcome_mail_takes_the_persons_answer(
    app, client, login_as, smtp_server
):
    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    campaign_id = set_up(client, "/welcome/dortmund")
    edit(client, campaign_id, text="{{ greeting }}, eine Frage zum Start:")
    _block, response = add_survey_block(client, campaign_id, survey_id)
    assert response.status_code == 302
    post_form(client, "/welcome/dortmund", 1)
    assert "Eingeschaltet." in client.get("/welcome/dortmund").text
    sign_up(app, "bea@example.org")
    run_worker(app)

    [mail] = smtp_server.to("bea@example.org")
    links = button_links(mail)
    assert len(links) == 2  # the first question's answers as buttons
    with app.app_context():
        first = db.session.scalars(select(Option).order_by(Option.id)).first()
    client.get("/logout")
    assert (
        answer_first(client, links[0].replace("&amp;", "&"), first).status_code == 302
    )
    with app.app_context():
        bea = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "bea@example.org")
        )
        [response] = db.session.scalars(select(SurveyResponse))
        assert (response.survey_id, response.subscriber_id) == (survey_id, bea.id)
        assert response.campaign_id is None  # an automated mail counts for no issue


def test_only_the_regions_surveys_are_offered_and_a_forged_one_is_refused(
    app, client, login_as
):
    own = factories.made_in(app, factories.survey, region="dortmund")
    other = factories.made_in(
        app, factories.survey, region="suedwestfalen", title="Sauerland fragt"
    )
    login_as(Role.MANAGER, "dortmund")
    campaign_id = set_up(client, "/welcome/dortmund")
    edit(client, campaign_id, action="add", new_type="survey_question")
    page = client.get(f"/campaigns/{campaign_id}?lang=de").get_data(as_text=True)
    block = re.findall(r'name="block" value="([^"]+)"', page)[-1]
    offered = page.split(f'name="b-{block}-survey"')[1].split("</select>")[0]
    assert f'value="{own}"' in offered
    assert f'value="{other}"' not in offered

    response = edit(client, campaign_id, **{f"b-{block}-survey": str(other)})

    assert response.status_code == 404
    with app.app_context():
        blocks = db.session.get(Campaign, campaign_id).blocks_for("de")
        assert [b.get("survey") for b in blocks if b["type"] == "survey_question"] == [
            ""
        ]


def test_a_welcome_mail_with_a_checklist_error_is_saved_but_not_switched_on(
    app, client, login_as, smtp_server
):
    login_as(Role.MANAGER, "dortmund")
    page = "/welcome/dortmund"
    campaign_id = set_up(client, page)
    edit(client, campaign_id, text="{{ greeting }}, willkommen {{ vorname }}!")

    post_form(client, page, 1)

    html = client.get(page).get_data(as_text=True)
    assert "Gespeichert, aber nicht eingeschaltet" in html
    assert "vorname" in html  # the problem named
    assert "Eingeschaltet." not in html
    editor = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "willkommen {{ vorname }}!" in editor  # the text kept
    sign_up(app, "bea@example.org")
    run_worker(app)
    assert smtp_server.to("bea@example.org")[1:] == []  # her opt-in mail only


def test_a_running_welcome_mail_edited_into_an_error_is_switched_off(
    app, client, login_as, smtp_server
):
    switch_on(app)
    login_as(Role.MANAGER, "dortmund")
    with app.app_context():
        campaign_id = db.session.scalar(select(Campaign.id))

    editor = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Diese Mail ist eingeschaltet" in editor

    response = edit(client, campaign_id, text="Hallo {{ vorname }}!")

    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gespeichert, aber ausgeschaltet" in html
    assert "Hallo {{ vorname }}!" in html
    assert "Ausgeschaltet." in client.get("/welcome/dortmund").text
    sign_up(app, "bea@example.org")
    run_worker(app)
    assert received(smtp_server) == {}


def test_a_welcome_mail_saved_as_text_before_blocks_opens_with_its_text(
    app, client, login_as
):
    """Welcome mails saved by the earlier text form are one text block each: the
    editor shows them unchanged, no data migration needed."""
    switch_on(app, body_de="{{ greeting }}, schön, dass Sie dabei sind!")
    login_as(Role.MANAGER, "dortmund")
    with app.app_context():
        campaign_id = db.session.scalar(select(Campaign.id))
    editor = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "{{ greeting }}, schön, dass Sie dabei sind!</textarea>" in editor


def test_bad_input_gets_a_german_message_and_keeps_what_was_typed(
    app, client, login_as
):
    login_as(Role.MANAGER, "dortmund")
    set_up(client, "/welcome/dortmund", step=2)
    response = post_form(client, "/welcome/dortmund", 2, delay_days="0")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bitte zwischen 1 und 365 Tagen wählen." in html
    assert 'value="0"' in html
    with app.app_context():
        assert db.session.scalar(select(Campaign.status)) == "draft"


@pytest.mark.parametrize(
    ("role", "region", "status"),
    [
        (Role.MANAGER, "suedwestfalen", 404),
        (Role.MANAGER, None, 404),  # the interregional manager: joint list only
        (Role.ANALYST, None, 403),
    ],
)
def test_other_regions_and_analysts_cannot_see_or_change_it(
    app, client, login_as, role, region, status
):
    login_as(role, region)
    assert client.get("/welcome/dortmund").status_code == status
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post(
        "/welcome/dortmund", data={**form_data(1), "w1-csrf_token": token}
    )
    assert response.status_code == status
    response = client.post(
        "/welcome/dortmund", data={"csrf_token": token, "step": "1", "action": "edit"}
    )
    assert response.status_code == status
    with app.app_context():
        assert db.session.scalar(select(Campaign)) is None


def test_a_post_without_csrf_token_saves_nothing(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    client.post("/welcome/dortmund", data=form_data(1))
    client.post("/welcome/dortmund", data={"step": "1", "action": "edit"})
    with app.app_context():
        assert db.session.scalar(select(Campaign)) is None


def test_the_sending_page_cannot_switch_a_welcome_mail_back_on(
    app, client, login_as, smtp_server
):
    """Resuming it there would welcome whoever confirmed while it was off; it is
    switched on on its own page, from then on."""
    switch_on(app)
    switch_on(app, enabled=False)
    sign_up(app, "while-off@example.org")
    login_as(Role.MANAGER, "dortmund")
    with app.app_context():
        campaign_id = db.session.scalar(select(Campaign.id))
    sending = client.get(f"/campaigns/{campaign_id}/send").get_data(as_text=True)
    assert 'value="resume"' not in sending
    assert "/welcome/dortmund" in sending

    client.post(
        f"/campaigns/{campaign_id}/send",
        data={"csrf_token": csrf_token(sending), "action": "resume"},
    )

    run_worker(app)
    assert received(smtp_server) == {}
    with app.app_context():
        assert db.session.scalar(select(Campaign.status)) == "paused"
