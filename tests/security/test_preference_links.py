"""Preference links (issue 14, item 7): they expire after PREFERENCES_LINK_DAYS, carry
the person's link key, and stop working when that key changes (erasure, "log out
everywhere"). A refused link offers a fresh one by mail. One-click unsubscribes give
no oracle, and WTForms' own messages are German on German pages."""

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from core.db import db
from core.throttle import ThrottleEvent
from newsletter.audience.models import ConsentEvent, Subscriber, Subscription
from newsletter.audience.tokens import make_token, preferences_token, unsubscribe_token
from tests import factories
from tests.http import csrf_token

ONE_CLICK = {
    "data": "List-Unsubscribe=One-Click",
    "content_type": "application/x-www-form-urlencoded",
}


def person(app, email="fatma@example.org"):
    with app.app_context():
        return factories.subscriber(db.session, email=email, name="Fatma").id


def link_for(app, subscriber_id):
    with app.app_context():
        subscriber = db.session.get(Subscriber, subscriber_id)
        return preferences_token(subscriber.id, subscriber.link_key)


def refused(response):
    return response.status_code == 400 and "Fatma" not in response.get_data(
        as_text=True
    )


def test_a_preference_link_is_refused_after_erasure(app, client):
    subscriber_id = person(app)
    token = link_for(app, subscriber_id)
    page = client.get(f"/einstellungen/{token}").get_data(as_text=True)
    client.post(
        f"/einstellungen/{token}/loeschen",
        data={"csrf_token": csrf_token(page), "confirm_erase": "y"},
    )
    with app.app_context():
        assert db.session.get(Subscriber, subscriber_id).status == "erased"
    for path in ("", "/meine-daten", "/meine-daten.json"):
        assert refused(client.get(f"/einstellungen/{token}{path}")), path


def test_log_out_everywhere_makes_every_old_link_useless(app, client):
    subscriber_id = person(app)
    token = link_for(app, subscriber_id)
    page = client.get(f"/einstellungen/{token}").get_data(as_text=True)
    assert "Alle meine Links ungültig machen" in page
    done = client.post(
        f"/einstellungen/{token}/abmelden-ueberall",
        data={"csrf_token": csrf_token(page)},
    )
    assert done.status_code == 200
    assert "ungültig" in done.get_data(as_text=True)
    for path in ("", "/meine-daten", "/meine-daten.json"):
        assert refused(client.get(f"/einstellungen/{token}{path}")), path
    # Erasure by the old link is refused too, and the person is still there.
    client.post(
        f"/einstellungen/{token}/loeschen",
        data={"csrf_token": csrf_token(page), "confirm_erase": "y"},
    )
    with app.app_context():
        assert db.session.get(Subscriber, subscriber_id).status == "active"
    # A link with the new key works.
    assert client.get(f"/einstellungen/{link_for(app, subscriber_id)}").status_code == (
        200
    )


def _signed_days_ago(app, days, payload, monkeypatch):
    then = int(time.time()) - days * 86400
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: then)
        with app.app_context():
            return make_token("preferences", payload)


def test_a_link_older_than_the_expiry_is_refused(app, client, monkeypatch):
    subscriber_id = person(app)
    with app.app_context():
        key = db.session.get(Subscriber, subscriber_id).link_key
    days = app.config["PREFERENCES_LINK_DAYS"]
    assert days <= 90
    payload = {"s": subscriber_id, "k": key}
    recent = _signed_days_ago(app, days - 1, payload, monkeypatch)
    assert client.get(f"/einstellungen/{recent}").status_code == 200
    old = _signed_days_ago(app, days + 1, payload, monkeypatch)
    response = client.get(f"/einstellungen/{old}")
    assert refused(response)
    assert "abgelaufen" in response.get_data(as_text=True)


@pytest.mark.parametrize("key", [None, "", "x" * 16])
def test_a_link_with_a_wrong_or_missing_key_is_refused(app, client, key):
    subscriber_id = person(app)
    payload = {"s": subscriber_id} if key is None else {"s": subscriber_id, "k": key}
    with app.app_context():
        token = make_token("preferences", payload)
    for path in ("", "/meine-daten", "/meine-daten.json"):
        assert refused(client.get(f"/einstellungen/{token}{path}")), path


def test_a_refused_link_offers_a_fresh_one_by_mail(app, client, smtp_server):
    subscriber_id = person(app)
    with app.app_context():
        token = make_token("preferences", {"s": subscriber_id, "k": "gone"})
    page = client.get(f"/einstellungen/{token}").get_data(as_text=True)
    assert "neuen Link" in page
    action = "/einstellungen/neuer-link"
    assert f'action="{action}"' in page
    known = client.post(
        action, data={"csrf_token": csrf_token(page), "email": "Fatma@example.org"}
    )
    unknown = client.post(
        action, data={"csrf_token": csrf_token(page), "email": "nobody@example.org"}
    )
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()  # no oracle for addresses
    [mail] = smtp_server.messages
    assert mail["To"] == "fatma@example.org"
    body = mail.get_body(("plain",)).get_content()
    fresh = re.search(r"/einstellungen/([\w.-]+)", body).group(1)
    assert client.get(f"/einstellungen/{fresh}").status_code == 200


def test_fresh_links_are_throttled(app, client):
    app.config["PREFERENCES_LINK_RATE_LIMIT"] = "2 per hour"
    page = client.get("/einstellungen/kaputt").get_data(as_text=True)
    action = "/einstellungen/neuer-link"
    assert f'action="{action}"' in page
    codes = [
        client.post(
            action, data={"csrf_token": csrf_token(page), "email": "a@example.org"}
        ).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def _forged_and_valid(app):
    subscriber_id = person(app)
    with app.app_context():
        list_id = db.session.scalar(
            select(Subscription.list_id).where(
                Subscription.subscriber_id == subscriber_id
            )
        )
        valid = unsubscribe_token(subscriber_id, list_id)
    forged = valid[:-4] + ("AAAA" if not valid.endswith("AAAA") else "BBBB")
    return subscriber_id, valid, forged


def _snapshot(app, subscriber_id):
    with app.app_context():
        return (
            db.session.get(Subscriber, subscriber_id).status,
            [s.status for s in db.session.scalars(select(Subscription))],
            db.session.scalar(select(func.count()).select_from(ConsentEvent)),
        )


def test_a_forged_one_click_gets_the_same_bytes_changes_nothing_and_is_counted(
    app, caplog, monkeypatch
):
    # Alembic's fileConfig (run by the migration tests in this process) disables
    # the loggers that exist by then.
    monkeypatch.setattr(app.logger, "disabled", False)
    subscriber_id, valid, forged = _forged_and_valid(app)
    before = _snapshot(app, subscriber_id)
    mail_client = app.test_client(use_cookies=False)
    forged_response = mail_client.post(f"/abmelden/{forged}", **ONE_CLICK)
    assert _snapshot(app, subscriber_id) == before
    with app.app_context():
        assert db.session.scalar(
            select(func.count())
            .select_from(ThrottleEvent)
            .where(ThrottleEvent.key == "unsubscribe:forged")
        )
    assert "forged" in caplog.text
    valid_response = mail_client.post(f"/abmelden/{valid}", **ONE_CLICK)
    assert _snapshot(app, subscriber_id)[0] == "unsubscribed"
    assert forged_response.status_code == valid_response.status_code == 200
    assert forged_response.get_data() == valid_response.get_data()
    assert "Set-Cookie" not in forged_response.headers
    assert "Set-Cookie" not in valid_response.headers


def test_wtforms_messages_are_german_on_german_pages(app, client):
    page = client.get("/anmelden/dortmund").get_data(as_text=True)
    response = client.post(
        "/anmelden/dortmund",
        data={
            "csrf_token": csrf_token(page),
            "email": "",
            "org_type": "bogus",
            "lists": ["999"],
        },
    )
    html = response.get_data(as_text=True)
    # WTForms' own German catalogue leaves this one fuzzy, so it came in English.
    assert "is not a valid choice" not in html
    assert "ist keine gültige Auswahl für dieses Feld" in html
    assert "Keine gültige Auswahl." in html
