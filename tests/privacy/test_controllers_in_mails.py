"""System mails name the controller of the list they are about: the regional agency
for a regional list, both agencies as joint controllers for the interregional list,
never the region the person first signed up in. Read as received over SMTP."""

import re
from datetime import timedelta

from sqlalchemy import select

from core.db import db, utcnow
from newsletter.audience.models import Subscriber
from tests.fixtures.smtp import html_of, link_in, text_of
from tests.http import csrf_token, sign_up, submit

SWF = ("Südwestfalen Agentur GmbH", "Amtsgericht Siegen", "/datenschutz/suedwestfalen")
DORTMUND = (
    "Wirtschaftsförderung Dortmund",
    "Eigenbetrieb der Stadt Dortmund",
    "/datenschutz/dortmund",
)


def shown(mail) -> str:
    parts = [text_of(mail)]
    if mail.get_body(("html",)) is not None:
        parts.append(html_of(mail))
    return f"{mail['From']} {mail['Subject']} " + " ".join(parts)


def a_dortmund_subscriber(app, client, smtp_server, list_ids, email: str) -> None:
    """Signed up and confirmed in Dortmund, an hour ago."""
    sign_up(client, "dortmund", email, [list_ids["newsletter-dortmund"]])
    submit(client, link_in(smtp_server.to(email)[-1], "/bestaetigen/"))
    with app.app_context():
        person = db.session.scalar(select(Subscriber).where(Subscriber.email == email))
        person.confirmation_sent_at = utcnow() - timedelta(hours=1)
        db.session.commit()


def test_a_dortmund_subscriber_joining_suedwestfalens_list_hears_from_suedwestfalen(
    app, client, smtp_server, list_ids
):
    email = "dora@example.org"
    a_dortmund_subscriber(app, client, smtp_server, list_ids, email)
    sign_up(client, "suedwestfalen", email, [list_ids["newsletter-suedwestfalen"]])
    mail = smtp_server.to(email)[-1]
    assert "Südwestfalen" in mail["From"]
    assert "Südwestfalen" in mail["Subject"]
    for part in (text_of(mail), html_of(mail)):
        for brand in SWF:
            assert brand in part, brand
        for brand in DORTMUND:
            assert brand not in part, brand


def test_joining_only_the_joint_list_names_both_agencies_as_joint_controllers(
    client, smtp_server, list_ids
):
    email = "jo@example.org"
    sign_up(
        client,
        "dortmund",
        email,
        [list_ids["brueckenschlag-interregional"]],
        consent="",
        consent_joint="y",
    )
    [mail] = smtp_server.to(email)
    assert "Brückenschlag Dortmund" not in mail["From"]
    assert "interregional" in mail["Subject"]
    for part in (text_of(mail), html_of(mail)):
        for brand in SWF[:2] + DORTMUND[:2]:
            assert brand in part, brand
        assert "/datenschutz/interregional" in part
        assert "gemeinsam verantwortlich" in part.lower()


def test_a_fresh_preference_link_names_the_controllers_of_the_persons_lists(
    app, client, smtp_server, list_ids
):
    email = "sven@example.org"
    a_dortmund_subscriber(app, client, smtp_server, list_ids, email)
    sign_up(client, "suedwestfalen", email, [list_ids["newsletter-suedwestfalen"]])
    refused = client.get("/einstellungen/kaputt").text  # offers a fresh link
    client.post(
        "/einstellungen/neuer-link",
        data={"csrf_token": csrf_token(refused), "email": email},
    )
    mail = smtp_server.to(email)[-1]
    assert "Einstellungen" in mail["Subject"]
    body = shown(mail)
    for brand in SWF + DORTMUND:
        assert brand in body, brand
    assert "interregional" not in body


def test_her_settings_offer_every_list_she_is_on_whoever_controls_it(
    app, client, smtp_server, list_ids
):
    from newsletter.audience.tokens import preferences_token
    from tests import factories
    from tests.http import csrf_token, shown_texts

    with app.app_context():
        mia = factories.subscriber(db.session, email="mia@example.org")
        factories.subscriber(
            db.session,
            email="mia@example.org",
            region="suedwestfalen",
            lists=["newsletter-suedwestfalen"],
        )
        url = f"/einstellungen/{preferences_token(mia.id, mia.link_key)}"
    page = client.get(url).get_data(as_text=True)
    swf = list_ids["newsletter-suedwestfalen"]
    assert re.search(rf'<input checked [^>]*name="lists" [^>]*value="{swf}"', page)
    assert "Südwestfalen Agentur GmbH" in page  # the consent text of that list
    client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            **shown_texts(page),
            "lists": [str(list_ids["newsletter-dortmund"])],
            "language": "de",
        },
    )
    with app.app_context():
        mia = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "mia@example.org")
        )
        assert {s.mailing_list.slug: s.status for s in mia.subscriptions} == {
            "newsletter-dortmund": "active",
            "newsletter-suedwestfalen": "unsubscribed",
        }
