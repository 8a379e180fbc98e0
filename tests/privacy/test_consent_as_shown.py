"""The consent log stores the text the person saw, not the one that happens to be
newest when she presses the button: the sign-up and preference forms carry the ids
of the consent texts and privacy notices they show. A text replaced in between is
shown again with a German message; nothing typed is lost and no consent is stored
for a text the person did not see."""

import re

from sqlalchemy import select

from core.db import db
from newsletter.audience.consent import add_version
from newsletter.audience.models import (
    ConsentEvent,
    MailingList,
    Subscriber,
    TextKind,
)
from newsletter.audience.tokens import preferences_token
from tests import factories
from tests.http import csrf_token

CHANGED = "Der Einwilligungstext wurde inzwischen geändert"
NEW_CONSENT = (
    "Ja, ich möchte den Newsletter der Wirtschaftsförderung Dortmund (Fassung 2)."
)
NEW_PRIVACY = "Datenschutzhinweise der Wirtschaftsförderung Dortmund, Fassung 2."
NEW_JOINT = "Ja, gemeinsamer Newsletter beider Agenturen, Fassung 2."


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)
    assert match, f"the form carries no {name}"
    return match.group(1)


def new_version(app, kind: str, region: str | None, text: str) -> None:
    with app.app_context():
        region_id = factories.find_region(db.session, region).id if region else None
        add_version(db.session, kind, region_id, "de", text)
        db.session.commit()


def events_of(app, email: str) -> list[ConsentEvent]:
    with app.app_context():
        person = db.session.scalar(select(Subscriber).where(Subscriber.email == email))
        if person is None:
            return []
        found = db.session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.subscriber_id == person.id)
            .order_by(ConsentEvent.id)
        )
        return [
            (
                e.kind,
                e.list_id,
                e.consent_text and e.consent_text.text,
                e.privacy_text and e.privacy_text.text,
            )
            for e in found
        ]


def sign_up_form(page: str, list_ids, **fields) -> dict:
    return {
        "csrf_token": csrf_token(page),
        "shown_consent": hidden(page, "shown_consent"),
        "shown_privacy": hidden(page, "shown_privacy"),
        "email": "ada@example.org",
        "name": "Ada Lovelace",
        "organisation": "Analytical Engines",
        "lists": [str(i) for i in list_ids],
        "consent": "y",
        "language": "de",
        **fields,
    }


def test_a_consent_text_replaced_while_the_form_was_open_is_shown_again(
    app, client, smtp_server, list_ids
):
    page = client.get("/anmelden/dortmund").get_data(as_text=True)
    old = re.search(r'name="consent" type="checkbox" value="y"> ([^<]+)<', page)
    new_version(app, TextKind.CONSENT, "dortmund", NEW_CONSENT)
    again = client.post(
        "/anmelden/dortmund", data=sign_up_form(page, [list_ids["newsletter-dortmund"]])
    )
    shown = again.get_data(as_text=True)
    assert again.status_code == 200
    assert CHANGED in shown
    assert NEW_CONSENT in shown
    assert old.group(1).strip() not in shown
    for typed in ("ada@example.org", "Ada Lovelace", "Analytical Engines"):
        assert typed in shown  # nothing typed is lost
    assert 'name="consent" type="checkbox" value="y" checked' not in shown
    assert events_of(app, "ada@example.org") == []
    assert smtp_server.to("ada@example.org") == []
    # Agreeing to the new text stores exactly that one.
    client.post(
        "/anmelden/dortmund",
        data=sign_up_form(shown, [list_ids["newsletter-dortmund"]]),
    )
    [(kind, _, consent, _), *later] = events_of(app, "ada@example.org")
    assert (kind, consent) == ("signup", NEW_CONSENT)


def test_a_privacy_notice_replaced_meanwhile_is_shown_again_too(app, client, list_ids):
    page = client.get("/anmelden/dortmund").get_data(as_text=True)
    new_version(app, TextKind.PRIVACY, "dortmund", NEW_PRIVACY)
    again = client.post(
        "/anmelden/dortmund", data=sign_up_form(page, [list_ids["newsletter-dortmund"]])
    )
    assert CHANGED in again.get_data(as_text=True)
    assert events_of(app, "ada@example.org") == []
    client.post(
        "/anmelden/dortmund",
        data=sign_up_form(
            again.get_data(as_text=True), [list_ids["newsletter-dortmund"]]
        ),
    )
    [(kind, _, _, privacy), *later] = events_of(app, "ada@example.org")
    assert (kind, privacy) == ("signup", NEW_PRIVACY)


def test_a_form_that_names_no_text_stores_no_consent(app, client, list_ids):
    page = client.get("/anmelden/dortmund").get_data(as_text=True)
    data = sign_up_form(page, [list_ids["newsletter-dortmund"]])
    del data["shown_consent"]
    answer = client.post("/anmelden/dortmund", data=data)
    assert CHANGED in answer.get_data(as_text=True)
    assert events_of(app, "ada@example.org") == []


def test_a_list_added_in_the_preferences_stores_the_text_shown_there(
    app, client, list_ids
):
    with app.app_context():
        person = factories.subscriber(db.session, email="ada@example.org")
        token = preferences_token(person.id, person.link_key)
    url = f"/einstellungen/{token}"
    page = client.get(url).get_data(as_text=True)
    new_version(app, TextKind.CONSENT, None, NEW_JOINT)
    form = {
        "csrf_token": csrf_token(page),
        "shown_consent": hidden(page, "shown_consent"),
        "shown_privacy": hidden(page, "shown_privacy"),
        "lists": [
            str(list_ids["newsletter-dortmund"]),
            str(list_ids["brueckenschlag-interregional"]),
        ],
        "language": "de",
        "name": "Ada L.",
    }
    again = client.post(url, data=form)
    shown = again.get_data(as_text=True)
    assert CHANGED in shown
    assert NEW_JOINT in shown
    assert "Ada L." in shown
    joint = list_ids["brueckenschlag-interregional"]
    assert not [e for e in events_of(app, "ada@example.org") if e[1] == joint]
    client.post(
        url,
        data={
            **form,
            "shown_consent": hidden(shown, "shown_consent"),
            "shown_privacy": hidden(shown, "shown_privacy"),
        },
    )
    events = events_of(app, "ada@example.org")
    [added] = [e for e in events if e[:2] == ("confirmed", joint)]
    assert added[2] == NEW_JOINT


def test_changed_details_are_logged_for_each_list_the_person_is_on(
    app, client, list_ids
):
    with app.app_context():
        person = factories.subscriber(
            db.session,
            email="ada@example.org",
            lists=["newsletter-dortmund", "brueckenschlag-interregional"],
        )
        token = preferences_token(person.id, person.link_key)
    url = f"/einstellungen/{token}"
    page = client.get(url).get_data(as_text=True)
    client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            "shown_consent": hidden(page, "shown_consent"),
            "shown_privacy": hidden(page, "shown_privacy"),
            "lists": [
                str(list_ids["newsletter-dortmund"]),
                str(list_ids["brueckenschlag-interregional"]),
            ],
            "language": "de",
            "name": "Ada L.",
        },
    )
    changed = [e[1] for e in events_of(app, "ada@example.org") if e[0] == "changed"]
    assert sorted(changed) == sorted(
        [list_ids["newsletter-dortmund"], list_ids["brueckenschlag-interregional"]]
    )
    with app.app_context():
        assert db.session.get(MailingList, changed[0]) is not None
