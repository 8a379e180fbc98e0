"""A manager schedules, sends, pauses, resumes and cancels an issue from its sending
page, and watches it go out; only the managers of its region may."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.campaigns.models import Campaign
from newsletter.sending.models import Delivery
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from tests import factories
from tests.form_filling import form_fields
from tests.http import submit
from tests.outbox import assert_counts_kept


@pytest.fixture
def manager(login_as):
    """The client, logged in as the manager of Dortmund."""
    return login_as(Role.MANAGER, "dortmund")


def draft(app, people=3, **fields) -> int:
    """A draft issue of Dortmund and `people` confirmed readers."""
    with app.app_context():
        factories.audience(db.session, people)
        return factories.campaign(db.session, **fields).id


def press(client, campaign_id, action, **fields):
    """Press a button of the sending page; the page it leads back to."""
    return submit(
        client,
        f"/campaigns/{campaign_id}/send",
        data={"action": action, **fields},
        follow_redirects=True,
    ).get_data(as_text=True)


def press_and_confirm(client, campaign_id, action, **fields):
    """Press "Jetzt senden …" or "Planen …", then confirm the recipients on the
    confirmation page as shown; the page it leads back to."""
    confirmation = press(client, campaign_id, action, **fields)
    assert 'id="confirm-send"' in confirmation, "no confirmation page"
    data: dict[str, list[str]] = {}
    for name, value in form_fields(confirmation, "confirm-send"):
        data.setdefault(name, []).append(value)
    return client.post(
        f"/campaigns/{campaign_id}/send", data=data, follow_redirects=True
    ).get_data(as_text=True)


def the_worker_runs(app):
    """What the worker's jobs do: start due issues, send what is queued."""
    with app.app_context():
        dispatch_due(db.session)
        return Sender(app, "pages-test").run(budget_seconds=30)


def campaign(app, campaign_id) -> Campaign:
    with app.app_context():
        found = db.session.get(Campaign, campaign_id)
        db.session.expunge(found)
        return found


def delivery_statuses(app, campaign_id) -> list[str]:
    assert_counts_kept(app)
    with app.app_context():
        return sorted(
            db.session.scalars(
                select(Delivery.status).where(Delivery.campaign_id == campaign_id)
            )
        )


def test_an_issue_is_scheduled_for_a_berlin_time_and_taken_back(app, client, manager):
    campaign_id = draft(app)
    page = press_and_confirm(
        client, campaign_id, "schedule", date="2031-07-01", time="09:30"
    )
    assert "Geplant für 01.07.2031 09:30." in page
    planned = campaign(app, campaign_id)
    assert planned.status == "scheduled"
    assert planned.scheduled_at == datetime(2031, 7, 1, 7, 30, tzinfo=UTC)  # summer
    assert "Zurück zum Entwurf" in page

    page = press(client, campaign_id, "unschedule")
    assert "Die Ausgabe ist wieder ein Entwurf." in page
    assert (
        campaign(app, campaign_id).status,
        campaign(app, campaign_id).scheduled_at,
    ) == (
        "draft",
        None,
    )


def test_a_time_that_has_passed_is_refused_with_a_hint_to_send_now(
    app, client, manager
):
    campaign_id = draft(app)
    page = press(client, campaign_id, "schedule", date="2020-01-01", time="10:00")
    assert "Dieser Zeitpunkt ist vorbei; nutzen Sie stattdessen „Jetzt senden“." in page
    assert campaign(app, campaign_id).status == "draft"


def test_a_schedule_without_a_date_asks_for_one(app, client, manager):
    campaign_id = draft(app)
    page = press(client, campaign_id, "schedule", date="", time="10:00")
    assert "Bitte wählen Sie ein Datum." in page
    assert campaign(app, campaign_id).status == "draft"


def test_a_time_the_clocks_skip_is_refused_with_a_message(app, client, manager):
    campaign_id = draft(app)
    # 31 March 2030: clocks go from 02:00 straight to 03:00 in Berlin.
    page = press(client, campaign_id, "schedule", date="2030-03-31", time="02:30")
    assert "gibt es an diesem Tag nicht" in page
    assert campaign(app, campaign_id).status == "draft"


def test_an_issue_with_checklist_errors_cannot_be_sent(app, client, manager):
    campaign_id = draft(app, lists=[])
    page = press(client, campaign_id, "now")
    assert "Kein Verteiler und kein Segment als Ziel gewählt." in page
    assert campaign(app, campaign_id).status == "draft"
    # With readers, too: refused before anyone is asked to confirm a number.
    no_subject = draft(app, people=0, subject="")
    page = press(client, no_subject, "schedule", date="2031-07-01", time="09:30")
    assert "Der deutsche Betreff ist leer." in page
    assert 'id="confirm-send"' not in page
    assert campaign(app, no_subject).status == "draft"


def test_send_now_reaches_every_reader_and_the_page_shows_it(
    app, client, manager, smtp_server
):
    campaign_id = draft(app, people=3)
    page = press_and_confirm(client, campaign_id, "now")
    assert "Der Versand beginnt in wenigen Sekunden." in page
    assert the_worker_runs(app) == 3
    assert len(smtp_server.messages) == 3
    progress = client.get(f"/campaigns/{campaign_id}/progress.json").get_json()
    assert progress["status"] == "sent"
    assert (progress["total"], progress["sent"], progress["waiting"]) == (3, 3, 0)
    assert progress["rate_per_minute"] == 3
    page = client.get(f"/campaigns/{campaign_id}/send").get_data(as_text=True)
    assert "Bisher keine Probleme." in page


def test_live_numbers_estimate_the_time_left_while_sending(app, client, manager):
    campaign_id = draft(app, people=4, due=True)
    with app.app_context():
        dispatch_due(db.session)  # queued, nothing sent yet
    progress = client.get(f"/campaigns/{campaign_id}/progress.json").get_json()
    assert (progress["status"], progress["waiting"]) == ("sending", 4)
    assert progress["seconds_left"] is None  # no rate yet, no guess
    with app.app_context():
        first = db.session.scalar(select(Delivery).order_by(Delivery.id))
        first.status, first.sent_at = "sent", datetime.now(UTC)
        db.session.commit()
    progress = client.get(f"/campaigns/{campaign_id}/progress.json").get_json()
    assert (progress["sent"], progress["waiting"]) == (1, 3)
    assert progress["seconds_left"] == 180  # three left at one a minute


def test_who_failed_and_why_is_listed_on_the_page(app, client, manager, smtp_server):
    campaign_id = draft(app, people=2, due=True)

    async def handle_RCPT(server, session, envelope, address, options):  # noqa: N802
        if address == "person1@example.org":
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handler.handle_RCPT = handle_RCPT
    the_worker_runs(app)
    page = client.get(f"/campaigns/{campaign_id}/send").get_data(as_text=True)
    assert "person1@example.org" in page
    assert "No such user" in page
    assert "person0@example.org" not in page


def test_a_sending_issue_is_paused_with_the_managers_name(app, client, manager):
    campaign_id = draft(app, due=True)
    with app.app_context():
        dispatch_due(db.session)
    page = press(client, campaign_id, "pause")
    assert "Der Versand ist pausiert." in page
    paused = campaign(app, campaign_id)
    assert paused.status == "paused"
    assert (paused.stop_reason, paused.stop_details) == ("by_person", {"by": "Manager"})
    assert the_worker_runs(app) == 0
    assert delivery_statuses(app, campaign_id) == ["queued"] * 3


def test_a_paused_issue_can_be_resumed_from_its_page(app, client, manager, smtp_server):
    campaign_id = draft(app, due=True)
    with app.app_context():
        dispatch_due(db.session)
    press(client, campaign_id, "pause")
    page = press(client, campaign_id, "resume")
    assert "Der Versand geht weiter." in page
    assert campaign(app, campaign_id).stop_reason == ""
    assert the_worker_runs(app) == 3
    assert delivery_statuses(app, campaign_id) == ["sent"] * 3


def test_a_cancelled_issue_sends_nothing_more(app, client, manager, smtp_server):
    campaign_id = draft(app, due=True)
    with app.app_context():
        dispatch_due(db.session)
    page = press(client, campaign_id, "cancel")
    assert "Die Ausgabe ist abgebrochen; 3 Nachrichten werden nicht gesendet." in page
    assert campaign(app, campaign_id).status == "cancelled"
    assert the_worker_runs(app) == 0
    assert smtp_server.messages == []
    assert delivery_statuses(app, campaign_id) == ["skipped"] * 3


def test_a_draft_cannot_be_resumed_and_says_why(app, client, manager):
    campaign_id = draft(app)
    page = press(client, campaign_id, "resume")
    assert "Nur eine pausierte Ausgabe kann fortgesetzt werden." in page
    assert campaign(app, campaign_id).status == "draft"


def test_an_unknown_button_changes_nothing(app, client, manager):
    campaign_id = draft(app)
    response = submit(
        client, f"/campaigns/{campaign_id}/send", data={"action": "explode"}
    )
    assert response.status_code == 302
    assert campaign(app, campaign_id).status == "draft"


def test_every_action_is_in_the_audit_log(app, client, manager):
    from core.models import AuditEntry

    campaign_id = draft(app)
    press(client, campaign_id, "schedule", date="2031-07-01", time="09:30")
    press(client, campaign_id, "now")  # only asked to confirm: not done yet
    press_and_confirm(client, campaign_id, "schedule", date="2031-07-01", time="09:30")
    press(client, campaign_id, "unschedule")
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        assert [(e.action, e.user_id) for e in entries] == [
            ("schedule", manager.id),
            ("unschedule", manager.id),
        ]


@pytest.mark.parametrize(
    "other", ["suedwestfalen", None], ids=["other-region", "interregional"]
)
def test_a_manager_of_the_other_region_gets_404(app, client, login_as, other):
    campaign_id = draft(app)
    login_as(Role.MANAGER, other)
    assert client.get(f"/campaigns/{campaign_id}/send").status_code == 404
    assert client.get(f"/campaigns/{campaign_id}/progress.json").status_code == 404
    page = client.get("/campaigns").get_data(as_text=True)
    response = submit(
        client, "/campaigns", f"/campaigns/{campaign_id}/send", {"action": "now"}
    )
    assert response.status_code == 404
    assert "Märzausgabe" not in page
    assert campaign(app, campaign_id).status == "draft"


def test_an_analyst_gets_403(app, client, login_as):
    campaign_id = draft(app)
    login_as(Role.ANALYST)
    assert client.get(f"/campaigns/{campaign_id}/send").status_code == 403
    assert client.get(f"/campaigns/{campaign_id}/progress.json").status_code == 403
    response = submit(client, "/", f"/campaigns/{campaign_id}/send", {"action": "now"})
    assert response.status_code == 403
    assert campaign(app, campaign_id).status == "draft"


def test_the_page_says_when_no_worker_sends_what_waits(app, client, manager):
    campaign_id = draft(app, people=2, due=True)
    with app.app_context():
        dispatch_due(db.session)  # queued, but no worker has run
    progress = client.get(f"/campaigns/{campaign_id}/progress.json").get_json()
    assert progress["no_sender"] is True
    page = client.get(f"/campaigns/{campaign_id}/send").get_data(as_text=True)
    assert "Läuft der Worker?" in page
    the_worker_runs(app)
    progress = client.get(f"/campaigns/{campaign_id}/progress.json").get_json()
    assert progress["no_sender"] is False
    page = client.get(f"/campaigns/{campaign_id}/send").get_data(as_text=True)
    assert 'id="no-sender" role="alert" hidden' in page
