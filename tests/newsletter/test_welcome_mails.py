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
from tests import factories
from tests.fixtures.smtp import link_in, text_of
from tests.http import csrf_token
from tests.newsletter.test_import import upload

WELCOME_DE = "{{ greeting }}, schön, dass Sie dabei sind!"
WELCOME_EN = "{{ greeting }}, welcome aboard!"


def switch_on(
    app, step=1, delay_days=0, body_de=WELCOME_DE, enabled=True, region="dortmund"
):
    with app.app_context():
        region = factories.find_region(db.session, region)
        save_welcome(
            db.session,
            region,
            step,
            WelcomeInput(
                enabled,
                delay_days,
                {"de": f"Willkommen ({step})", "en": f"Welcome ({step})"},
                {"de": body_de, "en": WELCOME_EN},
            ),
        )
        db.session.commit()


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
    data = {
        "step": str(step),
        "enabled": "y",
        "subject_de": "Willkommen bei Brückenschlag Dortmund",
        "body_de": "Schön, dass Sie da sind.",
        "subject_en": "",
        "body_en": "",
        **values,
    }
    return {f"w{step}-{k}" if k != "step" else k: v for k, v in data.items()}


def post_form(client, page, step, **values):
    html = client.get(page).get_data(as_text=True)
    token = html.split(f'name="w{step}-csrf_token" type="hidden" value="')[1]
    return client.post(
        page,
        data={**form_data(step, **values), f"w{step}-csrf_token": token.split('"')[0]},
    )


def test_a_manager_edits_and_previews_her_regions_welcome_mail(
    app, client, login_as, smtp_server
):
    login_as(Role.MANAGER, "dortmund")
    assert client.get("/welcome").headers["Location"].endswith("/welcome/dortmund")
    page = "/welcome/dortmund"
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


def test_a_welcome_mail_with_a_checklist_error_is_saved_but_not_switched_on(
    app, client, login_as, smtp_server
):
    login_as(Role.MANAGER, "dortmund")
    page = "/welcome/dortmund"

    post_form(client, page, 1, body_de="{{ greeting }}, willkommen {{ vorname }}!")

    html = client.get(page).get_data(as_text=True)
    assert "Gespeichert, aber nicht eingeschaltet" in html
    assert "vorname" in html  # the problem named, the text kept
    assert "Eingeschaltet." not in html
    sign_up(app, "bea@example.org")
    run_worker(app)
    assert smtp_server.to("bea@example.org")[1:] == []  # her opt-in mail only


def test_bad_input_gets_a_german_message_and_keeps_what_was_typed(
    app, client, login_as
):
    login_as(Role.MANAGER, "dortmund")
    response = post_form(
        client, "/welcome/dortmund", 2, body_de="", delay_days="0", body_en="Hello"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bitte geben Sie einen deutschen Text ein." in html
    assert "Bitte zwischen 1 und 365 Tagen wählen." in html
    assert "Hello" in html
    with app.app_context():
        assert db.session.scalar(select(Campaign)) is None


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
    with app.app_context():
        assert db.session.scalar(select(Campaign)) is None


def test_a_post_without_csrf_token_saves_nothing(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    client.post("/welcome/dortmund", data=form_data(1))
    with app.app_context():
        assert db.session.scalar(select(Campaign)) is None
