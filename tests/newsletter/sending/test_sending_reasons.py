"""A manager reads, in German, why a message failed, was not sent or is uncertain,
why an issue paused and what she can do, and how long sending will still take;
an issue whose readers all left before it went out is not called sent."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.db import db
from core.devmail import free_port
from core.models import Role
from newsletter.audience.subscriptions import unsubscribe
from newsletter.campaigns.models import Campaign
from newsletter.sending.models import Delivery
from newsletter.sending.outbox import dispatch_due, finish_completed, recover
from newsletter.sending.sender import Sender
from tests import factories
from tests.http import submit


@pytest.fixture
def manager(login_as):
    return login_as(Role.MANAGER, "dortmund")


def due_issue(app, people=3) -> int:
    with app.app_context():
        factories.audience(db.session, people)
        return factories.campaign(db.session, due=True).id


def the_worker_runs(app, name="reasons-test"):
    with app.app_context():
        dispatch_due(db.session)
        return Sender(app, name).run(budget_seconds=30)


def reasons(app, campaign_id) -> dict[str, str]:
    with app.app_context():
        return {
            status + ":" + str(subscriber_id): reason
            for status, subscriber_id, reason in db.session.execute(
                select(Delivery.status, Delivery.subscriber_id, Delivery.reason)
                .where(Delivery.campaign_id == campaign_id)
                .order_by(Delivery.id)
            )
        }


def sending_page(client, campaign_id) -> str:
    return client.get(f"/campaigns/{campaign_id}/send").get_data(as_text=True)


def refuse(smtp_server, answers: dict[str, str]):
    async def handle_RCPT(server, session, envelope, address, options):  # noqa: N802
        if address in answers:
            return answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handler.handle_RCPT = handle_RCPT


# Why a message did not arrive


def test_an_unknown_mailbox_is_explained_in_german_with_what_to_do(
    app, client, manager, smtp_server
):
    campaign_id = due_issue(app, people=3)
    refuse(
        smtp_server,
        {
            "person0@example.org": "550 5.1.1 No such user",
            "person1@example.org": "554 5.7.1 Rejected by policy",
        },
    )
    the_worker_runs(app)
    assert sorted(reasons(app, campaign_id).values()) == [
        "",
        "mailbox_unknown",
        "refused_by_policy",
    ]
    page = sending_page(client, campaign_id)
    assert "Diese Adresse gibt es beim Empfänger nicht (mehr)" in page
    assert "Die Adresse ist gesperrt" in page  # what happens and what to do
    assert "Der Empfangsserver hat die Nachricht aus Richtlinien" in page
    assert "Antwort des Mailservers" in page  # the raw answer only as a detail


def test_a_message_that_was_deferred_too_often_says_so(
    app, client, manager, smtp_server
):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    campaign_id = due_issue(app, people=1)
    refuse(smtp_server, {"person0@example.org": "451 4.2.2 Mailbox full, try later"})
    the_worker_runs(app)
    assert list(reasons(app, campaign_id).values()) == ["deferred"]
    assert "nur vorläufig abgelehnt" in sending_page(client, campaign_id)


def test_an_uncertain_message_says_what_happened_and_that_it_is_not_resent(
    app, client, manager
):
    campaign_id = due_issue(app, people=2)
    with app.app_context():
        dispatch_due(db.session)
        row = db.session.scalar(select(Delivery).order_by(Delivery.id))
        row.status, row.claimed_by = "sending", "crashed"
        caught = row.subscriber_id  # the outbox's order is not the people's
        db.session.flush()
        recover(db.session, ["crashed"])
        db.session.commit()
    assert f"uncertain:{caught}" in {
        k for k, v in reasons(app, campaign_id).items() if v == "interrupted"
    }
    page = sending_page(client, campaign_id)
    assert "Der Versand wurde unterbrochen" in page
    assert "interrupted between" not in page


def test_people_who_left_before_sending_are_listed_with_a_german_reason(
    app, client, manager, smtp_server
):
    campaign_id = due_issue(app, people=2)
    with app.app_context():
        dispatch_due(db.session)
        unsubscribe(db.session, 1, factories.newsletter_list(db.session).id)
        db.session.commit()
    the_worker_runs(app)
    assert reasons(app, campaign_id)["skipped:1"] == "left_before_sending"


# Why an issue paused, and what to do


def test_a_relay_outage_pause_says_why_and_what_to_do(app, client, manager):
    app.config["MAIL_MAX_CONSECUTIVE_ERRORS"] = 3
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nobody listens
    campaign_id = due_issue(app, people=5)
    the_worker_runs(app)
    with app.app_context():
        paused = db.session.get(Campaign, campaign_id)
        assert (paused.status, paused.stop_reason) == ("paused", "relay_outage")
    page = sending_page(client, campaign_id)
    assert "nach 3 Fehlern in Folge automatisch angehalten" in page
    assert "Unser Mailserver war nicht erreichbar" in page
    assert "setzen Sie den Versand fort" in page
    assert "errors in a row" not in page
    assert 'value="resume"' in page
    assert 'value="cancel"' in page


def test_a_pause_by_a_person_names_her_and_the_ways_on(app, client, manager):
    campaign_id = due_issue(app)
    with app.app_context():
        dispatch_due(db.session)
    submit(client, f"/campaigns/{campaign_id}/send", data={"action": "pause"})
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).stop_reason == "by_person"
    page = sending_page(client, campaign_id)
    assert "Manager hat den Versand angehalten" in page
    assert "setzen Sie den Versand fort" in page


# The time left


def test_the_time_left_is_shown_in_german(app, client, manager):
    campaign_id = due_issue(app, people=4)
    with app.app_context():
        dispatch_due(db.session)
        first = db.session.scalar(select(Delivery).order_by(Delivery.id))
        first.status, first.sent_at = "sent", datetime.now(UTC)
        db.session.commit()
    progress = client.get(f"/campaigns/{campaign_id}/progress.json").get_json()
    assert progress["time_left"] == "ca. 3 Min."
    assert "ca. 3 Min." in sending_page(client, campaign_id)


# Nobody left


def test_an_issue_whose_readers_all_left_is_not_called_sent(
    app, client, manager, smtp_server
):
    campaign_id = due_issue(app, people=2)
    with app.app_context():
        dispatch_due(db.session)
        for person in (1, 2):
            unsubscribe(db.session, person, factories.newsletter_list(db.session).id)
        db.session.commit()
    the_worker_runs(app)
    with app.app_context():
        finish_completed(db.session)
        ended = db.session.get(Campaign, campaign_id)
        assert ended.status != "sent"
        assert ended.stop_reason == "nobody_left"
    assert smtp_server.messages == []
    page = sending_page(client, campaign_id)
    assert "nicht gesendet" in page
    assert "vor dem Versand abgemeldet" in page
    reader = app.test_client()
    archive = reader.get("/archiv/dortmund").get_data(as_text=True)
    assert "Märzausgabe" not in archive
    assert reader.get(f"/ausgabe/{campaign_id}").status_code == 404


def test_an_issue_whose_readers_left_before_it_was_due_is_not_sent_either(app):
    campaign_id = due_issue(app, people=1)
    with app.app_context():
        unsubscribe(db.session, 1, factories.newsletter_list(db.session).id)
        db.session.commit()
    the_worker_runs(app)
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).stop_reason == "nobody_left"
