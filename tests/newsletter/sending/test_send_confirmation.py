"""Nothing is sent by accident: "Jetzt senden" and scheduling first show the exact
recipients per list and language and need a confirmation of that number; an issue
whose recipients got the same content within 24 hours is flagged."""

from datetime import timedelta

from sqlalchemy import select

from core.db import db, utcnow
from core.models import Role
from newsletter.audience.models import MailingList, Subscriber, Subscription
from newsletter.campaigns.editing import duplicate
from newsletter.campaigns.models import Campaign
from newsletter.sending.models import Delivery
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.recipients import count_recipients
from tests import factories
from tests.http import csrf_token


def send_page(client, campaign_id):
    return client.get(f"/campaigns/{campaign_id}/send").get_data(as_text=True)


def press(client, campaign_id, **fields):
    token = csrf_token(send_page(client, campaign_id))
    return client.post(
        f"/campaigns/{campaign_id}/send",
        data={"csrf_token": token, **fields},
        follow_redirects=True,
    )


def status_of(app, campaign_id):
    with app.app_context():
        return db.session.get(Campaign, campaign_id).status


def english_readers(app, count, region_slug="dortmund"):
    with app.app_context():
        ids = factories.audience(db.session, count, region=region_slug, prefix="reader")
    with app.app_context():
        for person in db.session.scalars(
            select(Subscriber).where(Subscriber.id.in_(ids))
        ):
            person.language = "en"
        db.session.commit()
    return ids


def also_on_interregional(app, ids):
    with app.app_context():
        joint = db.session.scalar(
            select(MailingList).where(
                MailingList.slug == "brueckenschlag-interregional"
            )
        )
        db.session.add_all(
            Subscription(subscriber_id=i, list_id=joint.id, status="active")
            for i in ids
        )
        db.session.commit()
        return joint.id


def test_send_now_without_confirmation_sends_nothing(app, client, login_as):
    with app.app_context():
        factories.audience(db.session, 3)
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    page = press(client, campaign_id, action="now").get_data(as_text=True)
    assert "Jetzt an 3 Empfänger senden?" in page
    assert "Ja, jetzt an 3 Empfänger senden" in page
    assert status_of(app, campaign_id) == "draft"
    with app.app_context():
        assert dispatch_due(db.session) == []


def test_the_confirmation_counts_per_list_and_language(app, client, login_as):
    with app.app_context():
        german = factories.audience(db.session, 3)
    english_readers(app, 2)
    joint = also_on_interregional(app, german[:1])
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        campaign.list_ids = [*campaign.list_ids, joint]
        campaign.blocks = {**campaign.blocks, "en": [{"id": "e", "type": "divider"}]}
        db.session.commit()
        counts = count_recipients(db.session, campaign)
    assert counts.total == 5  # the person on both lists counts once
    assert sorted((r.list_name, r.language, r.count) for r in counts.rows) == [
        ("Newsletter Dortmund", "de", 3),
        ("Newsletter Dortmund", "en", 2),
    ]
    login_as(Role.MANAGER, "dortmund")
    page = press(client, campaign_id, action="now").get_data(as_text=True)
    assert "5 Empfänger" in page
    assert "English" in page


def test_english_readers_count_as_german_without_an_english_version(app):
    with app.app_context():
        factories.audience(db.session, 1)
    english_readers(app, 2)
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    with app.app_context():
        counts = count_recipients(db.session, db.session.get(Campaign, campaign_id))
    assert [(r.language, r.count) for r in counts.rows] == [("de", 3)]


def test_confirming_the_shown_number_sends(app, client, login_as):
    with app.app_context():
        factories.audience(db.session, 3)
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    page = press(client, campaign_id, action="now", confirm_total="3")
    assert "Der Versand beginnt in wenigen Sekunden." in page.get_data(as_text=True)
    assert status_of(app, campaign_id) == "scheduled"


def test_a_changed_number_asks_again(app, client, login_as):
    with app.app_context():
        factories.audience(db.session, 3)
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    with app.app_context():
        factories.audience(
            db.session, 1, prefix="late"
        )  # subscribed while the page was open
    page = press(client, campaign_id, action="now", confirm_total="3")
    text = page.get_data(as_text=True)
    assert "Die Zahl der Empfänger hat sich geändert" in text
    assert "Jetzt an 4 Empfänger senden?" in text
    assert status_of(app, campaign_id) == "draft"


def test_scheduling_needs_the_confirmation_too(app, client, login_as):
    with app.app_context():
        factories.audience(db.session, 2)
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    day = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%d")
    fields = {"action": "schedule", "date": day, "time": "09:30"}
    page = press(client, campaign_id, **fields).get_data(as_text=True)
    assert "09:30" in page
    assert "Ja, für 2 Empfänger planen" in page
    assert status_of(app, campaign_id) == "draft"
    press(client, campaign_id, **fields, confirm_total="2")
    assert status_of(app, campaign_id) == "scheduled"


def test_nobody_in_the_target_is_refused(app, client, login_as):
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    page = press(client, campaign_id, action="now", confirm_total="0")
    assert "Niemand würde diese Ausgabe erhalten" in page.get_data(as_text=True)
    assert status_of(app, campaign_id) == "draft"


def test_the_same_content_within_24_hours_is_flagged(app, client, login_as):
    with app.app_context():
        people = factories.audience(db.session, 4)
    first_id = factories.made_in(app, factories.campaign, region="dortmund")
    with app.app_context():
        first = db.session.get(Campaign, first_id)
        first.status, first.sent_at = "sent", utcnow() - timedelta(minutes=20)
        db.session.add_all(
            Delivery(
                campaign_id=first_id,
                subscriber_id=person,
                status="sent",
                sent_at=utcnow() - timedelta(minutes=25),
            )
            for person in people[:3]
        )
        copy_id = duplicate(db.session, first, None).id
        db.session.commit()
    login_as(Role.MANAGER, "dortmund")
    page = send_page(client, copy_id)
    assert "3 dieser Empfänger haben in den letzten 24 Stunden" in page
    assert "Märzausgabe" in page
    confirm = press(client, copy_id, action="now").get_data(as_text=True)
    assert "3 dieser Empfänger haben in den letzten 24 Stunden" in confirm


def test_other_content_or_older_issues_are_not_flagged(app):
    with app.app_context():
        people = factories.audience(db.session, 2)
    old_id = factories.made_in(app, factories.campaign, region="dortmund")
    other_id = factories.made_in(app, factories.campaign, region="dortmund")
    with app.app_context():
        old = db.session.get(Campaign, old_id)
        old.status, old.sent_at = "sent", utcnow() - timedelta(days=2)
        other = db.session.get(Campaign, other_id)
        other.status, other.sent_at = "sent", utcnow()
        other.subject = {"de": "Etwas ganz anderes"}
        for campaign_id, when in ((old_id, old.sent_at), (other_id, other.sent_at)):
            db.session.add_all(
                Delivery(
                    campaign_id=campaign_id,
                    subscriber_id=p,
                    status="sent",
                    sent_at=when,
                )
                for p in people
            )
        twin = duplicate(db.session, old, None)
        db.session.commit()
        assert count_recipients(db.session, twin).duplicates == []


def test_another_region_cannot_ask_for_the_count(app, client, login_as):
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    login_as(Role.MANAGER, "suedwestfalen")
    assert client.get(f"/campaigns/{campaign_id}/send").status_code == 404
    token = csrf_token(client.get("/campaigns").get_data(as_text=True))
    response = client.post(
        f"/campaigns/{campaign_id}/send",
        data={"csrf_token": token, "action": "now", "confirm_total": "0"},
    )
    assert response.status_code == 404


def test_status_says_being_sent_once_the_time_has_come(app, client, login_as):
    with app.app_context():
        factories.audience(db.session, 2)
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    press(client, campaign_id, action="now", confirm_total="2")
    # Before the dispatcher ran: the time has come, so it is being sent.
    for path in ("/campaigns", f"/campaigns/{campaign_id}/send", "/"):
        page = client.get(path).get_data(as_text=True)
        assert "wird versendet" in page, path
        assert ">geplant<" not in page, path
    numbers = client.get(f"/campaigns/{campaign_id}/progress.json").json
    assert numbers["status_label"] == "wird versendet"
    with app.app_context():
        dispatch_due(db.session)
    numbers = client.get(f"/campaigns/{campaign_id}/progress.json").json
    assert (numbers["status"], numbers["status_label"]) == ("sending", "wird versendet")
    assert numbers["waiting"] == 2


def test_a_future_schedule_still_says_scheduled(app, client, login_as):
    with app.app_context():
        factories.audience(db.session, 1)
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    day = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%d")
    press(
        client,
        campaign_id,
        action="schedule",
        date=day,
        time="08:00",
        confirm_total="1",
    )
    assert ">geplant<" in client.get("/campaigns").get_data(as_text=True)
