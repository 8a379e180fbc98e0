"""Reminders: the people an issue with a survey reached and who have not answered get
a short mail with the question, once per step, through the outbox; whoever answered,
left or was erased meanwhile gets none, and a closed survey reminds nobody. What
arrives is read at the real SMTP server."""

import re
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.db import db, utcnow
from newsletter.audience.erasure import erase, erasure_key
from newsletter.audience.models import Subscriber
from newsletter.audience.subscriptions import unsubscribe
from newsletter.campaigns.models import Campaign
from newsletter.sending.control import pause, resume
from newsletter.sending.models import Delivery
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from surveys.models import Option, Survey, SurveyReminder, SurveyResponse
from surveys.reminders.plans import PlanInput, save_plan, start_due_reminders
from tests import factories
from tests.conftest import on_postgresql
from tests.fixtures.smtp import html_of, text_of
from tests.surveys.test_answering import answer_first, button_links

PEOPLE = {
    "anna@example.org": "de",
    "ben@example.org": "de",
    "clara@example.org": "de",
    "dave@example.org": "en",
}
REMINDER_DE = "Ihre Meinung fehlt uns noch: eine Minute genügt."
REMINDER_EN = "We are still missing your view: one minute is enough."


def issue_with_survey(app, smtp_server, days_ago=8):
    """An issue with the survey's question went out `days_ago` days ago to four
    people of Dortmund; returns the survey id and the mails by recipient."""
    with app.app_context():
        for email, language in PEOPLE.items():
            factories.subscriber(db.session, email=email, language=language)
        survey_id = factories.survey(db.session).id
        issue = factories.campaign(
            db.session, blocks=factories.survey_blocks(survey_id), due=True
        )
        dispatch_due(db.session)
        Sender(app, "issue").run(budget_seconds=30)
        db.session.execute(
            update(Campaign)
            .where(Campaign.id == issue.id)
            .values(started_at=utcnow() - timedelta(days=days_ago))
        )
        db.session.commit()
    mails = {r.envelope_to[0]: r.message for r in smtp_server.handler.received}
    smtp_server.handler.received.clear()
    return survey_id, mails


def plan(app, survey_id, steps=2, interval_days=7):
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        save_plan(
            db.session,
            survey,
            PlanInput(
                steps,
                interval_days,
                {"de": "Erinnerung: Ihre Meinung zählt", "en": "Reminder: your view"},
                {"de": REMINDER_DE, "en": REMINDER_EN},
            ),
        )
        db.session.commit()


def run_worker(app, name="worker"):
    """What the worker's jobs do in one round: start due reminders, dispatch, send."""
    with app.app_context():
        created = start_due_reminders(db.session)
        dispatch_due(db.session)
        Sender(app, name).run(budget_seconds=30)
        return created


def answer(app, client, mail):
    with app.app_context():
        first = db.session.scalars(select(Option).order_by(Option.id)).first()
    link = button_links(mail)[0].replace("&amp;", "&")
    assert answer_first(client, link, first).status_code == 302


def person(session, email):
    return session.scalar(select(Subscriber).where(Subscriber.email == email))


def leave(session, email):
    """The person unsubscribes from every list she is on."""
    someone = person(session, email)
    for subscription in list(someone.subscriptions):
        unsubscribe(session, someone.id, subscription.list_id)


def received_by(smtp_server) -> Counter:
    return Counter(r.envelope_to[0] for r in smtp_server.handler.received)


def test_only_people_without_an_answer_who_still_want_the_list_are_reminded(
    app, client, smtp_server
):
    survey_id, mails = issue_with_survey(app, smtp_server)
    answer(app, client, mails["anna@example.org"])
    with app.app_context():
        leave(db.session, "ben@example.org")
        db.session.commit()
    plan(app, survey_id)

    run_worker(app)

    assert received_by(smtp_server) == {"clara@example.org": 1, "dave@example.org": 1}
    clara = smtp_server.to("clara@example.org")[0]
    assert clara["Subject"] == "Erinnerung: Ihre Meinung zählt"
    assert REMINDER_DE in text_of(clara)
    assert "Was brauchen Sie am dringendsten?" in html_of(clara)
    assert clara["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    dave = smtp_server.to("dave@example.org")[0]
    assert dave["Subject"] == "Reminder: your view"
    assert REMINDER_EN in text_of(dave)
    assert "What do you need most?" in html_of(dave)

    # The buttons in the reminder answer for the person who got it.
    answer(app, client, clara)
    with app.app_context():
        respondents = set(
            db.session.scalars(
                select(Subscriber.email)
                .join(SurveyResponse, SurveyResponse.subscriber_id == Subscriber.id)
                .where(SurveyResponse.survey_id == survey_id)
            )
        )
        # An answer through a reminder counts for no campaign (see
        # surveys.answering.question_block).
        through_reminder = db.session.scalar(
            select(SurveyResponse.campaign_id)
            .join(Subscriber, SurveyResponse.subscriber_id == Subscriber.id)
            .where(Subscriber.email == "clara@example.org")
        )
    assert respondents == {"anna@example.org", "clara@example.org"}
    assert through_reminder is None


def test_nothing_is_due_before_the_interval_and_each_step_goes_once(
    app, client, smtp_server
):
    survey_id, mails = issue_with_survey(app, smtp_server, days_ago=3)
    plan(app, survey_id, steps=2, interval_days=7)
    assert run_worker(app) == []
    assert received_by(smtp_server) == {}

    with app.app_context():
        db.session.execute(
            update(Campaign).values(started_at=utcnow() - timedelta(days=7, hours=1))
        )
        db.session.commit()
    assert len(run_worker(app)) == 1
    assert run_worker(app) == []  # the next step waits an interval after this one
    answer(app, client, mails["clara@example.org"])

    with app.app_context():  # a week later
        db.session.execute(
            update(Campaign).values(started_at=utcnow() - timedelta(days=8))
        )
        db.session.commit()
    assert len(run_worker(app)) == 1
    assert run_worker(app) == []  # two steps planned: no third
    with app.app_context():
        db.session.execute(
            update(Campaign).values(started_at=utcnow() - timedelta(days=30))
        )
        db.session.commit()
    assert run_worker(app) == []

    assert received_by(smtp_server) == {
        "anna@example.org": 2,
        "ben@example.org": 2,
        "clara@example.org": 1,  # answered after the first reminder
        "dave@example.org": 2,
    }


def test_a_step_due_while_the_worker_was_stopped_goes_out_once(app, smtp_server):
    survey_id, _ = issue_with_survey(app, smtp_server, days_ago=40)
    plan(app, survey_id, steps=3, interval_days=7)

    run_worker(app)
    run_worker(app)

    # Three steps overdue, yet one reminder now; the next a week after it.
    assert set(received_by(smtp_server).values()) == {1}
    with app.app_context():
        assert db.session.scalars(select(SurveyReminder.step)).all() == [1]


def test_who_answers_or_leaves_after_the_reminder_was_queued_gets_none(
    app, client, smtp_server
):
    survey_id, mails = issue_with_survey(app, smtp_server)
    plan(app, survey_id)
    with app.app_context():
        start_due_reminders(db.session)
        dispatch_due(db.session)  # queued for all four
        assert db.session.query(Delivery).filter(Delivery.status == "queued").count()
    answer(app, client, mails["anna@example.org"])
    with app.app_context():
        leave(db.session, "ben@example.org")
        erase(db.session, person(db.session, "dave@example.org"), erasure_key())
        db.session.commit()
        Sender(app, "later").run(budget_seconds=30)

    assert received_by(smtp_server) == {"clara@example.org": 1}


def test_a_survey_closed_after_the_reminder_was_queued_reminds_nobody(app, smtp_server):
    survey_id, _ = issue_with_survey(app, smtp_server)
    plan(app, survey_id)
    with app.app_context():
        start_due_reminders(db.session)
        dispatch_due(db.session)
        db.session.get(Survey, survey_id).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        Sender(app, "later").run(budget_seconds=30)
        assert start_due_reminders(db.session, utcnow() + timedelta(days=30)) == []
    assert received_by(smtp_server) == {}


def test_a_reminder_and_its_answers_stay_out_of_the_public_archive(
    app, client, smtp_server
):
    survey_id, _ = issue_with_survey(app, smtp_server)
    plan(app, survey_id)
    (reminder_id,) = run_worker(app)
    archive = client.get("/archiv/dortmund").get_data(as_text=True)
    assert "Erinnerung" not in archive
    assert client.get(f"/ausgabe/{reminder_id}").status_code == 404


def test_two_workers_at_once_send_each_reminder_once(app, smtp_server):
    if not on_postgresql(app.config["SQLALCHEMY_DATABASE_URI"]):
        pytest.skip("SQLite runs one worker (see docs/architecture.md)")
    survey_id, _ = issue_with_survey(app, smtp_server)
    with app.app_context():
        factories.audience(db.session, 40)  # more people on the list, not reminded
    plan(app, survey_id, steps=1)
    start = threading.Barrier(2)
    errors = []

    def worker(name):
        try:
            start.wait()
            for _ in range(3):
                run_worker(app, name)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert received_by(smtp_server) == dict.fromkeys(PEOPLE, 1)
    with app.app_context():
        assert db.session.scalar(select(SurveyReminder.step)) == 1
        assert len(db.session.scalars(select(SurveyReminder)).all()) == 1


def test_a_reminder_mail_carries_the_persons_own_links(app, smtp_server):
    survey_id, _ = issue_with_survey(app, smtp_server)
    plan(app, survey_id)
    run_worker(app)
    clara = smtp_server.to("clara@example.org")[0]
    dave = smtp_server.to("dave@example.org")[0]
    assert button_links(clara)
    assert set(button_links(clara)).isdisjoint(button_links(dave))
    assert re.search(r"/abmelden/", clara["List-Unsubscribe"])


@pytest.mark.slow
def test_two_worker_processes_after_a_stop_send_the_overdue_reminder_once(
    app, smtp_server, tmp_path
):
    from tests.newsletter.sending.test_worker_processes import (
        start_worker,
        stop,
        wait_for,
    )

    # The reminder fell due two weeks ago, while no worker ran.
    survey_id, _ = issue_with_survey(app, smtp_server, days_ago=21)
    plan(app, survey_id, steps=3, interval_days=7)

    def reminder_sent():
        with app.app_context():
            db.session.remove()
            return (
                db.session.scalar(
                    select(Campaign.status).where(Campaign.kind == "reminder")
                )
                == "sent"
            )

    workers = [
        start_worker(app, smtp_server, tmp_path, "--name", name)
        for name in ("one", "two")
    ]
    try:
        wait_for(reminder_sent)
    finally:
        for worker in workers:
            stop(worker)

    assert received_by(smtp_server) == dict.fromkeys(PEOPLE, 1)
    with app.app_context():
        assert db.session.scalars(select(SurveyReminder.step)).all() == [1]


def test_reminders_keep_the_outboxs_hourly_cap_and_pause(app, smtp_server):
    survey_id, _mails = issue_with_survey(app, smtp_server)  # 4 mails this hour
    plan(app, survey_id)
    # A batch is cut to what the cap still allows.
    app.config.update(MAIL_RATE_PER_HOUR=5, SEND_BATCH_SIZE=100)

    [reminder_id] = run_worker(app)
    assert len(smtp_server.handler.received) == 1  # the cap counts the issue too

    with app.app_context():
        pause(db.session.get(Campaign, reminder_id), by="Manager")
        db.session.commit()
    app.config["MAIL_RATE_PER_HOUR"] = 0
    run_worker(app)
    assert len(smtp_server.handler.received) == 1  # paused: nothing more

    with app.app_context():
        resume(db.session.get(Campaign, reminder_id))
        db.session.commit()
    run_worker(app)
    assert received_by(smtp_server) == dict.fromkeys(PEOPLE, 1)
