"""One-click unsubscribe (RFC 8058) and the preference centre, by signed links."""

import json

from sqlalchemy import select

from core.db import db
from newsletter.audience.erasure import address_hash
from newsletter.audience.models import ConsentEvent, ErasedAddress, Subscriber
from newsletter.audience.tokens import preferences_token, unsubscribe_token
from tests import factories
from tests.http import csrf_token, shown_texts


def active_subscriber(app, email="fatma@example.org", lists=("newsletter-dortmund",)):
    """A confirmed subscriber, as the double opt-in leaves them."""
    with app.app_context():
        person = factories.subscriber(
            db.session, email=email, lists=lists, name="Fatma"
        )
        return person.id, [s.list_id for s in person.subscriptions]


def state(app, subscriber_id):
    with app.app_context():
        subscriber = db.session.get(Subscriber, subscriber_id)
        return subscriber.status, {
            s.mailing_list.slug: s.status for s in subscriber.subscriptions
        }


def token_for(app, maker, *args):
    with app.app_context():
        return maker(*args)


def preferences_link(app, subscriber_id):
    """The preference token a mail to this person carries (with her link key)."""
    with app.app_context():
        subscriber = db.session.get(Subscriber, subscriber_id)
        return preferences_token(subscriber.id, subscriber.link_key)


def test_one_click_post_unsubscribes_at_once_without_cookie_or_csrf(app):
    subscriber_id, [do] = active_subscriber(app)
    token = token_for(app, unsubscribe_token, subscriber_id, do)
    fresh = app.test_client(use_cookies=False)
    response = fresh.post(
        f"/abmelden/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Location" not in response.headers
    assert state(app, subscriber_id) == (
        "unsubscribed",
        {"newsletter-dortmund": "unsubscribed"},
    )
    again = fresh.post(
        f"/abmelden/{token}",
        data={"List-Unsubscribe": "One-Click"},
        content_type="multipart/form-data",
    )
    assert again.status_code == 200
    with app.app_context():
        kinds = list(
            db.session.scalars(
                select(ConsentEvent.kind).where(
                    ConsentEvent.subscriber_id == subscriber_id
                )
            )
        )
    assert kinds.count("withdrawn") == 1


def test_get_of_the_unsubscribe_link_only_shows_a_button(app, client):
    subscriber_id, [do] = active_subscriber(app)
    token = token_for(app, unsubscribe_token, subscriber_id, do)
    page = client.get(f"/abmelden/{token}")
    client.head(f"/abmelden/{token}")
    assert page.status_code == 200
    assert "Abmelden" in page.get_data(as_text=True)
    assert state(app, subscriber_id)[0] == "active"


def test_a_forged_unsubscribe_token_changes_nothing(app, client):
    subscriber_id, [do] = active_subscriber(app)
    token = token_for(app, unsubscribe_token, subscriber_id, do)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = client.post(
        f"/abmelden/{forged}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200  # the same as a real one: no oracle
    assert state(app, subscriber_id)[0] == "active"


def test_unsubscribing_from_one_list_keeps_the_other(app):
    subscriber_id, [do, joint] = active_subscriber(
        app, lists=("newsletter-dortmund", "brueckenschlag-interregional")
    )
    token = token_for(app, unsubscribe_token, subscriber_id, joint)
    app.test_client().post(
        f"/abmelden/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert state(app, subscriber_id) == (
        "active",
        {
            "newsletter-dortmund": "active",
            "brueckenschlag-interregional": "unsubscribed",
        },
    )


def test_preference_centre_changes_language_and_lists(app, list_ids, client):
    subscriber_id, [do] = active_subscriber(app)
    joint = list_ids["brueckenschlag-interregional"]
    token = preferences_link(app, subscriber_id)
    page = client.get(f"/einstellungen/{token}").get_data(as_text=True)
    assert "fatma@example.org" in page
    # Adding the joint list is its own consent: the page shows its text.
    assert "Südwestfalen Agentur GmbH und Wirtschaftsförderung Dortmund" in page
    response = client.post(
        f"/einstellungen/{token}",
        data={
            "csrf_token": csrf_token(page),
            **shown_texts(page),
            "lists": [str(joint)],
            "language": "en",
            "name": "Fatma Kaya",
            "organisation": "Kaya Labs",
        },
    )
    assert "Ihre Einstellungen sind gespeichert." in response.get_data(as_text=True)
    assert state(app, subscriber_id) == (
        "active",
        {
            "newsletter-dortmund": "unsubscribed",
            "brueckenschlag-interregional": "active",
        },
    )
    with app.app_context():
        subscriber = db.session.get(Subscriber, subscriber_id)
        assert (subscriber.language, subscriber.name) == ("en", "Fatma Kaya")
        added = db.session.scalar(
            select(ConsentEvent).where(
                ConsentEvent.subscriber_id == subscriber_id,
                ConsentEvent.list_id == joint,
            )
        )
        # The text shown on the page, in German, though she switched to English.
        assert added.consent_text.text in page
        assert added.consent_text.language == "de"


def test_download_my_data_and_delete_me(app, client):
    subscriber_id, _ = active_subscriber(app)
    token = preferences_link(app, subscriber_id)
    download = client.get(f"/einstellungen/{token}/meine-daten.json")
    data = json.loads(download.get_data(as_text=True))
    assert data["profile"]["email"] == "fatma@example.org"
    assert [event["event"] for event in data["consent_log"]] == ["signup", "confirmed"]

    page = client.get(f"/einstellungen/{token}").get_data(as_text=True)
    assert client.get(f"/einstellungen/{token}/loeschen").status_code == 405
    erased = client.post(
        f"/einstellungen/{token}/loeschen",
        data={"csrf_token": csrf_token(page), "confirm_erase": "y"},
    )
    assert "Ihre Daten sind gelöscht" in erased.get_data(as_text=True)
    with app.app_context():
        subscriber = db.session.get(Subscriber, subscriber_id)
        assert subscriber.status == "erased"
        assert subscriber.email is None
        assert subscriber.name == ""
        assert subscriber.subscriptions == []
        assert (
            db.session.scalars(
                select(ConsentEvent)
                .where(ConsentEvent.subscriber_id == subscriber_id)
                .order_by(ConsentEvent.id)
            ).all()
            == []
        )
        digest = address_hash("fatma@example.org", app.config["SECRET_KEY"])
        assert db.session.scalar(
            select(ErasedAddress).where(ErasedAddress.address_hash == digest)
        )
    assert client.get(f"/einstellungen/{token}").status_code == 400


def test_deleting_my_data_asks_for_confirmation_first(app, client):
    subscriber_id, _ = active_subscriber(app)
    token = preferences_link(app, subscriber_id)
    page = client.get(f"/einstellungen/{token}").get_data(as_text=True)
    assert "Ja, alle meine Daten endgültig löschen" in page
    unconfirmed = client.post(
        f"/einstellungen/{token}/loeschen",
        data={"csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    assert "Bitte bestätigen Sie, dass Ihre Daten gelöscht werden sollen." in (
        unconfirmed.get_data(as_text=True)
    )
    assert state(app, subscriber_id)[0] == "active"
    stale = client.post(
        f"/einstellungen/{token}/loeschen",
        data={"csrf_token": "left-open-overnight", "confirm_erase": "y"},
        follow_redirects=True,
    )
    assert "zu alt" in stale.get_data(as_text=True)  # asked again, not a 400
    assert state(app, subscriber_id)[0] == "active"
    erased = client.post(
        f"/einstellungen/{token}/loeschen",
        data={"csrf_token": csrf_token(page), "confirm_erase": "y"},
    )
    assert "Ihre Daten sind gelöscht" in erased.get_data(as_text=True)
    assert state(app, subscriber_id)[0] == "erased"
