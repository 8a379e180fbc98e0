"""German pages show German numbers, dates and plural forms: percentages through
Babel, "1 Zeile" but "2 Zeilen", an event's date typed in a date picker and shown
in the mail in the reader's language; nothing typed in the old free form is lost."""

import io
import re

from core.db import db
from core.models import Role
from newsletter.campaigns.rendering import compile_campaign
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from tests import factories
from tests.http import csrf_token

NBSP = "\u00a0"


def event(date: str) -> list[dict]:
    return [
        {
            "id": "e1",
            "type": "event",
            "title": "Transfertag",
            "date": date,
            "place": "Siegen",
            "link": "",
        }
    ]


def test_an_event_date_is_shown_in_the_mails_language(app, db):
    made = factories.campaign(db, blocks=event("2027-03-12T10:00"))
    made.blocks = {"de": event("2027-03-12T10:00"), "en": event("2027-03-12T10:00")}
    made.subject = {"de": "Termine", "en": "Dates"}
    db.commit()
    german = compile_campaign(made, "de")
    english = compile_campaign(made, "en")
    assert "Freitag, 12. März 2027, 10:00 Uhr" in german.text
    assert "Freitag, 12. März 2027, 10:00 Uhr" in german.html
    assert "Friday, March 12, 2027" in english.text
    assert "2027-03-12T10:00" not in german.html


def editor(client, campaign_id) -> str:
    return client.get(f"/campaigns/{campaign_id}?lang=de").get_data(as_text=True)


def date_input(page: str) -> str:
    found = re.search(r'<input[^>]*id="e1-date"[^>]*>', page)
    assert found, "no date field"
    return found.group(0)


def test_the_builder_offers_a_date_picker_and_shows_the_date_in_german(
    app, client, login_as
):
    with app.app_context():
        campaign_id = factories.campaign(
            db.session, blocks=event("2027-03-12T10:00")
        ).id
    login_as(Role.MANAGER, "dortmund")
    page = editor(client, campaign_id)
    field = date_input(page)
    assert 'type="datetime-local"' in field
    assert 'value="2027-03-12T10:00"' in field
    assert "Freitag, 12. März 2027, 10:00 Uhr" in page


def test_a_date_typed_before_the_picker_is_kept(app, client, login_as):
    with app.app_context():
        german = factories.campaign(db.session, blocks=event("12.03.2027, 10:00")).id
        free = factories.campaign(db.session, blocks=event("im Frühjahr")).id
    login_as(Role.MANAGER, "dortmund")
    field = date_input(editor(client, german))
    assert 'type="datetime-local"' in field
    assert 'value="2027-03-12T10:00"' in field
    field = date_input(editor(client, free))
    assert 'type="text"' in field
    assert 'value="im Frühjahr"' in field


def test_percentages_are_german_on_german_pages_and_english_on_english_ones(
    app, client, login_as, smtp_server
):
    with app.app_context():
        factories.audience(db.session, 2)
        campaign_id = factories.campaign(db.session, due=True).id
        dispatch_due(db.session)
        Sender(app, "formats-test").run(budget_seconds=30)
    text = smtp_server.messages[0].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/link/[^\s)]+)", text).group(1)
    client.get(link)
    login_as(Role.MANAGER, "dortmund")
    german = client.get(f"/campaigns/{campaign_id}/results").get_data(as_text=True)
    assert f"50{NBSP}%" in german
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(german)})
    english = client.get(f"/campaigns/{campaign_id}/results").get_data(as_text=True)
    assert "50%" in english


def upload(client, text: str, list_id: int) -> str:
    page = client.get("/subscribers/import").get_data(as_text=True)
    response = client.post(
        "/subscribers/import",
        data={
            "csrf_token": csrf_token(page),
            "lists": [str(list_id)],
            "file": (io.BytesIO(text.encode()), "k.csv"),
        },
        content_type="multipart/form-data",
    )
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_counts_take_their_plural_form(app, client, login_as, list_ids):
    login_as(Role.MANAGER, "suedwestfalen")
    swf = list_ids["newsletter-suedwestfalen"]
    one = upload(client, "E-Mail\na@example.org\n", swf)
    assert "1 von 1 Zeile kann importiert werden" in one
    assert "1 Zeile importieren" in one
    two = upload(client, "E-Mail\na@example.org\nb@example.org\n", swf)
    assert "2 von 2 Zeilen können importiert werden" in two
    assert "2 Zeilen importieren" in two


def test_the_import_steps_read_as_numbered_steps(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    page = client.get("/subscribers/import").get_data(as_text=True)
    steps = re.search(r'<ol class="steps">(.*?)</ol>', page, re.S).group(1)
    texts = [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r"<li[^>]*>(.*?)</li>", steps, re.S)
    ]
    assert texts == ["1. Hochladen", "2. Prüfen", "3. Import"]
