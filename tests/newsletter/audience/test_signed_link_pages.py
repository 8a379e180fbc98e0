"""What a subscriber meets behind the signed links of our mails: a link that no
longer works says so in German and how to get a new one; no page reached by such a
link is kept in a cache; a one-click unsubscribe is logged as one; the opt-in mail
can be turned down with one click too; and no system mail's subject repeats what
somebody typed into the sign-up form."""

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from core.db import db
from newsletter.audience.models import ConsentEvent, Subscriber, Subscription
from newsletter.audience.tokens import make_token, preferences_token, unsubscribe_token
from newsletter.campaigns.rendering import Recipient
from surveys.answering.responses import answer_token
from tests import factories
from tests.fixtures.smtp import link_in
from tests.http import csrf_token, sign_up

ONE_CLICK = {
    "data": "List-Unsubscribe=One-Click",
    "content_type": "application/x-www-form-urlencoded",
}
NO_LONGER_VALID = "Dieser Link ist nicht mehr gültig"


def person(app, email="lea@example.org", **fields):
    with app.app_context():
        return factories.subscriber(db.session, email=email, **fields).id


def signed_days_ago(app, monkeypatch, days, purpose, payload):
    then = int(time.time()) - days * 86400
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: then)
        with app.app_context():
            return make_token(purpose, payload)


def consent_sources(app, email):
    with app.app_context():
        return [
            (event.kind, event.source)
            for event in db.session.scalars(
                select(ConsentEvent)
                .join(Subscriber, Subscriber.id == ConsentEvent.subscriber_id)
                .where(Subscriber.email == email)
                .order_by(ConsentEvent.id)
            )
        ]


def subscription_states(app, email):
    with app.app_context():
        return list(
            db.session.scalars(
                select(Subscription.status)
                .join(Subscriber, Subscriber.id == Subscription.subscriber_id)
                .where(Subscriber.email == email)
            )
        )


# A link that no longer works


def test_an_expired_confirmation_link_says_so_and_how_to_sign_up_again(
    app, client, monkeypatch, list_ids
):
    pending = person(app, confirmed=False)
    token = signed_days_ago(
        app,
        monkeypatch,
        8,
        "confirm",
        {"s": pending, "l": [list_ids["newsletter-dortmund"]]},
    )
    response = client.get(f"/bestaetigen/{token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert NO_LONGER_VALID in page
    assert "erneut an" in page
    assert 'href="/anmelden/dortmund"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/bestaetigen/kaputt",
        "/abmelden/kaputt",
        "/einstellungen/kaputt",
        "/einstellungen/kaputt/meine-daten",
        "/umfrage/1/kaputt",
    ],
)
def test_a_malformed_link_gets_the_german_page_not_a_generic_error(client, path):
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert NO_LONGER_VALID in page
    assert "neuesten E-Mail" in page  # how to get a working one


def test_an_invalidated_settings_link_offers_a_fresh_one(app, client):
    subscriber_id = person(app)
    with app.app_context():
        subscriber = db.session.get(Subscriber, subscriber_id)
        token = preferences_token(subscriber.id, subscriber.link_key)
        subscriber.rotate_link_key()
        db.session.commit()
    page = client.get(f"/einstellungen/{token}").get_data(as_text=True)
    assert NO_LONGER_VALID in page
    assert 'action="/einstellungen/neuer-link"' in page


def test_an_expired_settings_link_offers_a_fresh_one(app, client, monkeypatch):
    subscriber_id = person(app)
    with app.app_context():
        key = db.session.get(Subscriber, subscriber_id).link_key
    days = app.config["PREFERENCES_LINK_DAYS"] + 1
    token = signed_days_ago(
        app, monkeypatch, days, "preferences", {"s": subscriber_id, "k": key}
    )
    page = client.get(f"/einstellungen/{token}").get_data(as_text=True)
    assert NO_LONGER_VALID in page
    assert "abgelaufen" in page
    assert 'action="/einstellungen/neuer-link"' in page


# Never in a cache


def test_every_page_behind_a_signed_link_is_never_stored(app, client, list_ids):
    subscriber_id = person(app)
    pending = person(app, email="ben@example.org", confirmed=False)
    with app.app_context():
        subscriber = db.session.get(Subscriber, subscriber_id)
        settings = preferences_token(subscriber.id, subscriber.link_key)
        leave = unsubscribe_token(subscriber.id, list_ids["newsletter-dortmund"])
        confirm = make_token(
            "confirm", {"s": pending, "l": [list_ids["newsletter-dortmund"]]}
        )
        survey_id = factories.one_question_survey(db.session).survey_id
        reader = Recipient(subscriber.id, subscriber.link_key)
        survey_link = f"/umfrage/{survey_id}/{answer_token(reader, survey_id, None)}"
    pages = [
        f"/einstellungen/{settings}",
        f"/einstellungen/{settings}/meine-daten",
        f"/einstellungen/{settings}/meine-daten.json",
        f"/bestaetigen/{confirm}",
        f"/abmelden/{leave}",
        survey_link,
        "/einstellungen/kaputt",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 400), path
        assert "no-store" in response.headers.get("Cache-Control", ""), path
    confirmed = client.post(
        f"/bestaetigen/{confirm}",
        data={"csrf_token": csrf_token(client.get(f"/bestaetigen/{confirm}").text)},
    )
    assert "no-store" in confirmed.headers["Cache-Control"]
    left = client.post(f"/abmelden/{leave}", **ONE_CLICK)
    assert "no-store" in left.headers["Cache-Control"]


# The source of an unsubscribe


def test_a_one_click_unsubscribe_is_logged_as_one_click(app, client, list_ids):
    subscriber_id = person(app)
    with app.app_context():
        token = unsubscribe_token(subscriber_id, list_ids["newsletter-dortmund"])
    assert client.post(f"/abmelden/{token}", **ONE_CLICK).status_code == 200
    assert consent_sources(app, "lea@example.org")[-1] == ("withdrawn", "one_click")


def test_an_unsubscribe_on_the_page_is_logged_as_the_form(app, client, list_ids):
    subscriber_id = person(app)
    with app.app_context():
        token = unsubscribe_token(subscriber_id, list_ids["newsletter-dortmund"])
    client.get(f"/abmelden/{token}")  # the page with its button
    assert client.post(f"/abmelden/{token}", data={}).status_code == 200
    assert consent_sources(app, "lea@example.org")[-1] == ("withdrawn", "form")


def test_the_consent_proof_names_the_one_click_unsubscribe(app, client, list_ids):
    subscriber_id = person(app)
    with app.app_context():
        token = unsubscribe_token(subscriber_id, list_ids["newsletter-dortmund"])
        subscriber = db.session.get(Subscriber, subscriber_id)
        settings = preferences_token(subscriber.id, subscriber.link_key)
    client.post(f"/abmelden/{token}", **ONE_CLICK)
    proof = client.get(f"/einstellungen/{settings}/meine-daten").text
    assert "Ein-Klick-Abmeldung" in proof


# Turning the opt-in mail down


def opt_in_mail(client, smtp_server, list_ids, email="carla@example.org"):
    sign_up(client, "dortmund", email, [list_ids["newsletter-dortmund"]])
    [mail] = smtp_server.to(email)
    return mail


def test_the_opt_in_mail_has_one_click_headers_that_end_the_sign_up(
    app, client, smtp_server, list_ids
):
    mail = opt_in_mail(client, smtp_server, list_ids)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    match = re.search(
        r"<https?://[^/>]+(/anmeldung-beenden/[^>]+)>", mail["List-Unsubscribe"]
    )
    assert match, mail["List-Unsubscribe"]
    end = match.group(1)
    confirm = link_in(mail, "/bestaetigen/")

    still_open = client.get(confirm).text  # the confirmation page, open in a tab
    # A scanner opens it: a page with a button, nothing changes.
    shown = client.get(end)
    assert shown.status_code == 200
    assert "Anmeldung beenden" in shown.text
    assert "no-store" in shown.headers["Cache-Control"]
    assert subscription_states(app, "carla@example.org") == ["pending"]

    # The mail client's one-click POST ends it; the confirmation link then does not.
    assert client.post(end, **ONE_CLICK).status_code == 200
    assert subscription_states(app, "carla@example.org") == ["unsubscribed"]
    assert consent_sources(app, "carla@example.org")[-1] == ("withdrawn", "one_click")
    assert NO_LONGER_VALID in client.get(confirm).text
    client.post(confirm, data={"csrf_token": csrf_token(still_open)})
    assert subscription_states(app, "carla@example.org") == ["unsubscribed"]


def test_the_button_on_the_page_ends_the_sign_up(app, client, smtp_server, list_ids):
    mail = opt_in_mail(client, smtp_server, list_ids)
    end = re.search(r"(/anmeldung-beenden/[^>]+)>", mail["List-Unsubscribe"]).group(1)
    client.get(end)
    page = client.post(end, data={})
    assert page.status_code == 200
    assert "beendet" in page.text
    assert subscription_states(app, "carla@example.org") == ["unsubscribed"]
    assert consent_sources(app, "carla@example.org")[-1] == ("withdrawn", "form")


def test_a_forged_end_of_sign_up_link_changes_nothing(
    app, client, smtp_server, list_ids
):
    opt_in_mail(client, smtp_server, list_ids)
    assert client.post("/anmeldung-beenden/kaputt", **ONE_CLICK).status_code == 200
    assert NO_LONGER_VALID in client.get("/anmeldung-beenden/kaputt").text
    assert subscription_states(app, "carla@example.org") == ["pending"]


# Subjects that nobody can write into


CRAFTED = "Sie haben gewonnen! Jetzt auf evil.example klicken"


def test_system_mail_subjects_never_repeat_what_the_form_was_given(
    app, client, smtp_server, list_ids
):
    sign_up(
        client,
        "dortmund",
        "stranger@example.org",
        [list_ids["newsletter-dortmund"]],
        name=CRAFTED,
        organisation=CRAFTED,
        sector=CRAFTED,
    )
    client.post(
        "/einstellungen/neuer-link",
        data={
            "csrf_token": csrf_token(client.get("/einstellungen/kaputt").text),
            "email": "stranger@example.org",
        },
    )
    mails = smtp_server.to("stranger@example.org")
    assert len(mails) == 2
    for mail in mails:
        for header in ("Subject", "From", "To"):
            assert "gewonnen" not in str(mail[header]), (header, mail[header])
            assert "evil" not in str(mail[header]), (header, mail[header])
        # Nor does the text: whoever typed it cannot send it through us.
        assert "evil" not in mail.as_string()
