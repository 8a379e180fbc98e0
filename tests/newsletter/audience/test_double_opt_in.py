"""Double opt-in as a subscriber lives it: the form, the mail at a real SMTP server,
the link, the confirm button. Scanners that open links confirm nothing."""

from sqlalchemy import select

from core.db import db
from newsletter.audience.models import ConsentEvent, Subscriber
from tests.fixtures.smtp import html_of, link_in, text_of
from tests.http import csrf_token, shown_texts, sign_up


def subscriber(app, email):
    with app.app_context():
        found = db.session.scalar(select(Subscriber).where(Subscriber.email == email))
        if found is None:
            return None
        return {
            "status": found.status,
            "lists": {s.mailing_list.slug: s.status for s in found.subscriptions},
            "events": [
                (e.kind, e.source, e.consent_text_id)
                for e in db.session.scalars(
                    select(ConsentEvent)
                    .where(ConsentEvent.subscriber_id == found.id)
                    .order_by(ConsentEvent.id)
                )
            ],
            "ip": [
                e.ip_address
                for e in db.session.scalars(
                    select(ConsentEvent)
                    .where(ConsentEvent.subscriber_id == found.id)
                    .order_by(ConsentEvent.id)
                )
            ],
        }


def test_sign_up_confirm_by_post_only(app, list_ids, client, smtp_server):
    swf = list_ids["newsletter-suedwestfalen"]
    response = sign_up(
        client, "suedwestfalen", "Anna.Becker@Example.org", [swf], name="Anna Becker"
    )
    assert response.status_code == 302
    assert "Bitte prüfen Sie Ihr Postfach" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert subscriber(app, "anna.becker@example.org")["status"] == "pending"

    [mail] = smtp_server.to("anna.becker@example.org")
    assert "bestätigen" in mail["Subject"].lower()
    assert mail["Message-ID"]
    assert mail["Date"]
    assert "Musterstraße 1" in text_of(mail)  # the agency's imprint
    assert "/umfrage/" not in text_of(mail)  # no advertising, no survey link
    assert "fonts.googleapis" not in html_of(mail)
    link = link_in(mail, "/bestaetigen/")

    # A mail scanner opens the link: nothing is confirmed.
    page = client.get(link)
    client.head(link)
    assert page.status_code == 200
    assert subscriber(app, "anna.becker@example.org")["status"] == "pending"

    client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    state = subscriber(app, "anna.becker@example.org")
    assert state["status"] == "active"
    assert state["lists"] == {"newsletter-suedwestfalen": "active"}
    kinds = [kind for kind, _source, _version in state["events"]]
    assert kinds == ["signup", "confirmation_sent", "confirmed"]
    assert all(version for _k, _s, version in state["events"])
    assert state["ip"] == [None, None, None]  # not kept unless the setting says so


def test_ip_and_user_agent_are_kept_only_when_configured(
    app, list_ids, client, smtp_server
):
    app.config["CONSENT_STORE_REQUEST_METADATA"] = True
    swf = list_ids["newsletter-suedwestfalen"]
    sign_up(client, "suedwestfalen", "ip@example.org", [swf])
    assert subscriber(app, "ip@example.org")["ip"][0] == "127.0.0.1"


def test_signing_up_again_while_pending_resends_but_is_throttled(
    app, list_ids, client, smtp_server
):
    do = list_ids["newsletter-dortmund"]
    sign_up(client, "dortmund", "ben@example.org", [do])
    sign_up(client, "dortmund", "ben@example.org", [do])
    assert len(smtp_server.to("ben@example.org")) == 1


def test_a_subscriber_of_one_region_can_sign_up_in_the_other_at_once(
    app, list_ids, client, smtp_server
):
    """The resend throttle is for lists already asked for: a list she has not
    been asked about yet gets its confirmation mail, from its own agency."""
    swf, do = list_ids["newsletter-suedwestfalen"], list_ids["newsletter-dortmund"]
    sign_up(client, "suedwestfalen", "dora@example.org", [swf])
    [first] = smtp_server.to("dora@example.org")
    link = link_in(first, "/bestaetigen/")
    client.post(link, data={"csrf_token": csrf_token(client.get(link).text)})

    sign_up(client, "dortmund", "dora@example.org", [do])

    [_first, second] = smtp_server.to("dora@example.org")
    assert "bestätigen" in second["Subject"].lower()
    assert "Dortmund" in str(second["From"])
    link = link_in(second, "/bestaetigen/")
    client.post(link, data={"csrf_token": csrf_token(client.get(link).text)})
    assert subscriber(app, "dora@example.org")["lists"] == {
        "newsletter-suedwestfalen": "active",
        "newsletter-dortmund": "active",
    }


def test_an_active_address_reveals_nothing_and_gets_only_a_note(
    app, list_ids, client, smtp_server
):
    """Like a new address, it gets one mail (so the answer takes the same work):
    a note that nothing changed, with a link to its settings."""
    do = list_ids["newsletter-dortmund"]
    sign_up(client, "dortmund", "clara@example.org", [do], name="Clara")
    [mail] = smtp_server.to("clara@example.org")
    link = link_in(mail, "/bestaetigen/")
    page = client.get(link).get_data(as_text=True)
    client.post(link, data={"csrf_token": csrf_token(page)})

    again = sign_up(client, "dortmund", "clara@example.org", [do], name="Mallory")
    assert again.status_code == 302
    assert again.headers["Location"].endswith("/anmelden/dortmund/danke")
    [_confirmation, note] = smtp_server.to("clara@example.org")
    assert "bereits" in note["Subject"]
    assert "/bestaetigen/" not in note.get_body(("plain",)).get_content()
    with app.app_context():
        found = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "clara@example.org")
        )
        assert found.name == "Clara"


def test_bad_input_gets_a_clear_german_message_and_keeps_what_was_typed(
    app, list_ids, client
):
    do = list_ids["newsletter-dortmund"]
    page = client.get("/anmelden/dortmund").get_data(as_text=True)
    response = client.post(
        "/anmelden/dortmund",
        data={
            "csrf_token": csrf_token(page),
            **shown_texts(page),
            "email": "not-an-address",
            "lists": [str(do)],
            "organisation": "Kaya Labs",
            "language": "de",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bitte stimmen Sie dem Empfang des Newsletters zu." in html
    assert 'value="Kaya Labs"' in html
    response = client.post(
        "/anmelden/dortmund",
        data={
            "csrf_token": csrf_token(page),
            **shown_texts(page),
            "email": "not-an-address",
            "lists": [str(do)],
            "consent": "y",
            "language": "de",
        },
    )
    assert "gültige E-Mail-Adresse" in response.get_data(as_text=True)


def test_the_honeypot_catches_bots_silently(app, list_ids, client, smtp_server):
    do = list_ids["newsletter-dortmund"]
    response = sign_up(
        client, "dortmund", "bot@example.org", [do], website="http://spam.example"
    )
    assert response.status_code == 302
    assert smtp_server.to("bot@example.org") == []
    assert subscriber(app, "bot@example.org") is None


def test_a_tampered_or_expired_confirmation_link_gets_a_clear_page(
    app, list_ids, client, smtp_server
):
    do = list_ids["newsletter-dortmund"]
    sign_up(client, "dortmund", "dora@example.org", [do])
    link = link_in(smtp_server.to("dora@example.org")[0], "/bestaetigen/")
    tampered = client.get(link[:-3] + "abc")
    assert tampered.status_code == 400
    assert "Dieser Link ist nicht mehr gültig" in tampered.get_data(as_text=True)


def test_a_confirmation_link_expires_after_seven_days(
    app, list_ids, client, smtp_server, monkeypatch
):
    import itsdangerous.timed

    do = list_ids["newsletter-dortmund"]
    sign_up(client, "dortmund", "emil@example.org", [do])
    link = link_in(smtp_server.to("emil@example.org")[0], "/bestaetigen/")
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(
        itsdangerous.timed.time, "time", lambda: real_time() + 8 * 86400
    )
    expired = client.get(link)
    assert expired.status_code == 400
    assert "abgelaufen" in expired.get_data(as_text=True)


def test_an_address_with_umlauts_gets_its_confirmation_mail(
    app, list_ids, client, smtp_server
):
    swf = list_ids["newsletter-suedwestfalen"]
    sign_up(client, "suedwestfalen", "Jürgen@Müller-Werke.example", [swf])
    [mail] = smtp_server.handler.received
    assert link_in(mail.message, "/bestaetigen/")
    with app.app_context():
        assert db.session.scalar(select(Subscriber.status)) == "pending"
