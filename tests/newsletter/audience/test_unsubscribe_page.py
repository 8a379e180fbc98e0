"""The page behind a mail's unsubscribe link: after leaving a list there, the person
sees which lists she still gets (and can leave those too) and can undo the step with
one button, a POST that records her consent anew with the text the page showed.
Opening the pages changes nothing (mail scanners open every link)."""

import re
from datetime import timedelta

from sqlalchemy import select

from core.db import db, utcnow
from newsletter.audience.models import ConsentEvent, ConsentText, Subscriber
from newsletter.audience.tokens import preferences_token, unsubscribe_token
from tests import factories
from tests.http import csrf_token, shown_texts

LISTS = ("newsletter-dortmund", "brueckenschlag-interregional")


def fatma(app):
    with app.app_context():
        return factories.subscriber(
            db.session, email="fatma@example.org", lists=LISTS, name="Fatma"
        ).id


def link(app, subscriber_id, list_id):
    with app.app_context():
        return f"/abmelden/{unsubscribe_token(subscriber_id, list_id)}"


def lists_of(app, subscriber_id):
    with app.app_context():
        person = db.session.get(Subscriber, subscriber_id)
        return person.status, {
            s.mailing_list.slug: s.status for s in person.subscriptions
        }


def events(app, subscriber_id):
    with app.app_context():
        return [
            (e.kind, e.source, e.mailing_list.slug if e.mailing_list else None)
            for e in db.session.scalars(
                select(ConsentEvent)
                .where(ConsentEvent.subscriber_id == subscriber_id)
                .order_by(ConsentEvent.id)
            )
        ]


def leave_on_the_page(client, path):
    """Open the mail's link and press "Abmelden", as a person does."""
    page = client.get(path).get_data(as_text=True)
    return client.post(
        path, data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )


def the_form(html, button_text) -> str:
    """The form whose button says `button_text`."""
    for form in re.findall(r"<form\b.*?</form>", html, flags=re.S):
        if button_text in form:
            return form
    raise AssertionError(f"no form with {button_text!r}")


def form_action(html, button_text):
    """The action of the form whose button says `button_text`."""
    return re.search(r'action="([^"]+)"', the_form(html, button_text)).group(1)


def test_after_leaving_the_page_names_what_remains_and_offers_undo(
    app, client, list_ids
):
    person = fatma(app)
    leave = link(app, person, list_ids["newsletter-dortmund"])
    done = leave_on_the_page(client, leave)
    page = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "Sie erhalten „Newsletter Dortmund“ nicht mehr." in page
    # The joint list is another controller's: a forwarded mail must not tell.
    assert "Brückenschlag interregional" not in page
    assert "Rückgängig machen" in page
    assert lists_of(app, person) == (
        "active",
        {
            "newsletter-dortmund": "unsubscribed",
            "brueckenschlag-interregional": "active",
        },
    )
    assert events(app, person)[-1] == (
        "withdrawn",
        "unsubscribe_page",
        "newsletter-dortmund",
    )


def test_undo_resubscribes_exactly_the_list_left_with_the_text_shown(
    app, client, list_ids
):
    person = fatma(app)
    leave = link(app, person, list_ids["newsletter-dortmund"])
    page = leave_on_the_page(client, leave).get_data(as_text=True)
    # The undo is a consent of its own: the page shows its text word for word.
    assert "Ja, ich möchte den Newsletter „Brückenschlag“ von" in page
    undone = client.post(
        form_action(page, "Rückgängig machen"),
        data={"csrf_token": csrf_token(page), **shown_texts(page)},
    )
    assert undone.status_code == 200
    assert "Sie erhalten „Newsletter Dortmund“ wieder." in undone.get_data(as_text=True)
    assert lists_of(app, person) == (
        "active",
        {"newsletter-dortmund": "active", "brueckenschlag-interregional": "active"},
    )
    assert events(app, person)[-1] == ("resubscribed", "form", "newsletter-dortmund")
    with app.app_context():
        event = db.session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.subscriber_id == person)
            .order_by(ConsentEvent.id.desc())
        ).first()
        shown_id = int(shown_texts(page)["shown_consent"])
        assert event.consent_text_id == shown_id
        assert db.session.get(ConsentText, shown_id).text in page
    settings = client.get(f"{leave}")  # the link again: she is on the list
    assert "Möchten Sie „Newsletter Dortmund“ nicht mehr erhalten?" in settings.text


def test_the_consent_proof_names_the_undone_unsubscription(app, client, list_ids):
    person = fatma(app)
    page = leave_on_the_page(
        client, link(app, person, list_ids["newsletter-dortmund"])
    ).get_data(as_text=True)
    client.post(
        form_action(page, "Rückgängig machen"),
        data={"csrf_token": csrf_token(page), **shown_texts(page)},
    )
    with app.app_context():
        subscriber = db.session.get(Subscriber, person)
        settings = preferences_token(subscriber.id, subscriber.link_key)
    proof = client.get(f"/einstellungen/{settings}/meine-daten").text
    assert "Abmeldung rückgängig gemacht" in proof


def test_opening_the_pages_changes_nothing(app, client, list_ids):
    person = fatma(app)
    leave = link(app, person, list_ids["newsletter-dortmund"])
    client.get(leave)
    client.head(leave)
    assert lists_of(app, person)[1]["newsletter-dortmund"] == "active"
    page = leave_on_the_page(client, leave).get_data(as_text=True)
    undo = form_action(page, "Rückgängig machen")
    before = events(app, person)
    for path in (leave, undo):
        client.get(path)
        client.head(path)
    assert events(app, person) == before
    assert lists_of(app, person)[1]["newsletter-dortmund"] == "unsubscribed"


def test_undo_needs_the_pages_csrf_token_and_a_signed_link(app, client, list_ids):
    person = fatma(app)
    leave = link(app, person, list_ids["newsletter-dortmund"])
    page = leave_on_the_page(client, leave).get_data(as_text=True)
    undo = form_action(page, "Rückgängig machen")
    before = events(app, person)
    assert client.post(undo, data=shown_texts(page)).status_code == 400
    forged = undo.replace("/abmelden/", "/abmelden/x")
    refused = client.post(
        forged, data={"csrf_token": csrf_token(page), **shown_texts(page)}
    )
    assert refused.status_code == 400
    assert "Dieser Link ist nicht mehr gültig" in refused.text
    assert events(app, person) == before


def test_undo_is_refused_once_it_is_no_longer_the_last_step(app, client, list_ids):
    """Undo restores the list just left, once: not twice, and not a withdrawal
    long past (whoever holds an old mail cannot sign the person up again)."""
    person = fatma(app)
    leave = link(app, person, list_ids["newsletter-dortmund"])
    page = leave_on_the_page(client, leave).get_data(as_text=True)
    undo = form_action(page, "Rückgängig machen")
    form = {"csrf_token": csrf_token(page), **shown_texts(page)}
    client.post(undo, data=form)
    again = client.post(undo, data=form)
    assert again.status_code == 409
    assert [kind for kind, *_ in events(app, person)].count("resubscribed") == 1

    leave_on_the_page(client, leave)
    with app.app_context():
        withdrawal = db.session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.subscriber_id == person)
            .order_by(ConsentEvent.id.desc())
        ).first()
        withdrawal.at = utcnow() - timedelta(days=8)
        db.session.commit()
    old = client.get(leave).text
    assert "Rückgängig machen" not in old
    assert "Sie erhalten „Newsletter Dortmund“ nicht mehr." in old
    assert client.post(undo, data=form).status_code == 409
    assert lists_of(app, person)[1]["newsletter-dortmund"] == "unsubscribed"


def test_the_lists_that_remain_can_be_left_from_the_page_too(app, client, list_ids):
    """Only the same agency's lists: the mail came from it."""
    with app.app_context():
        events_list = factories.mailing_list(db.session, name="Veranstaltungen")
        person = factories.subscriber(
            db.session, email="greta@example.org", lists=[*LISTS, events_list]
        ).id
    page = leave_on_the_page(
        client, link(app, person, list_ids["newsletter-dortmund"])
    ).get_data(as_text=True)
    assert "Sie erhalten weiterhin:" in page
    assert "Brückenschlag interregional" not in page
    button = "„Veranstaltungen“ abbestellen"
    also = client.post(
        form_action(page, button),
        # Each button's token is bound to the link it posts to.
        data={"csrf_token": csrf_token(the_form(page, button))},
        follow_redirects=True,
    )
    assert "Sie erhalten „Veranstaltungen“ nicht mehr." in also.text
    assert lists_of(app, person)[1] == {
        "newsletter-dortmund": "unsubscribed",
        "brueckenschlag-interregional": "active",
        "veranstaltungen-dortmund": "unsubscribed",
    }


def test_only_a_step_taken_on_this_page_can_be_undone(app, client, list_ids):
    """A withdrawal by the mail program's one-click (or in the settings) is not
    offered back to whoever holds the mail."""
    person = fatma(app)
    leave = link(app, person, list_ids["newsletter-dortmund"])
    client.post(leave, data={"List-Unsubscribe": "One-Click"})
    assert lists_of(app, person)[1]["newsletter-dortmund"] == "unsubscribed"

    assert "Rückgängig machen" not in client.get(leave).text


def test_a_page_left_open_too_long_asks_again_instead_of_failing(app, client, list_ids):
    person = fatma(app)
    leave = link(app, person, list_ids["newsletter-dortmund"])

    stale = client.post(leave, data={"csrf_token": "from-yesterday"})

    assert stale.status_code == 400
    assert "zu alt" in stale.text
    assert "Abmelden" in stale.text  # a fresh button, on the same page
    assert lists_of(app, person)[1]["newsletter-dortmund"] == "active"
    leave_on_the_page(client, leave)
    assert lists_of(app, person)[1]["newsletter-dortmund"] == "unsubscribed"


def test_the_undo_address_opened_later_leads_to_the_page_and_sets_no_cookie(
    app, client, list_ids
):
    person = fatma(app)
    leave = link(app, person, list_ids["newsletter-dortmund"])
    leave_on_the_page(client, leave)

    later = client.get(f"{leave}/rueckgaengig")

    assert later.status_code == 302
    assert later.headers["Location"].endswith(leave)
    assert "Set-Cookie" not in later.headers
    assert lists_of(app, person)[1]["newsletter-dortmund"] == "unsubscribed"
