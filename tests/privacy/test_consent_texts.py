"""Consent and privacy texts are records: every consent event points at the version
the person was shown, the proof prints it word for word, and administrators write
new versions in the browser while old events keep theirs."""

from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.audience.models import ConsentEvent, ConsentText, Subscriber
from tests import factories
from tests.fixtures.smtp import link_in
from tests.http import csrf_token, login
from tests.http import sign_up as sign_up_over_http

EDIT = "/admin/consent-texts/consent/dortmund/de"
NEW_TEXT = (
    "Ja, ich möchte den Newsletter „Brückenschlag“ der Wirtschaftsförderung "
    "Dortmund erhalten (Fassung 2, mit Hinweis auf Umfragen)."
)


def list_id(app, slug: str) -> int:
    with app.app_context():
        return factories.find_list(db.session, slug).id


def signed_up(app, client, smtp_server, email: str) -> int:
    sign_up_over_http(client, "dortmund", email, [list_id(app, "newsletter-dortmund")])
    link = link_in(smtp_server.to(email)[-1], "/bestaetigen/")
    page = client.get(link).get_data(as_text=True)
    client.post(link, data={"csrf_token": csrf_token(page)})
    with app.app_context():
        return db.session.scalar(select(Subscriber.id).where(Subscriber.email == email))


def proof(client, subscriber_id: int) -> str:
    return client.get(f"/subscribers/{subscriber_id}").get_data(as_text=True)


def test_every_event_points_at_the_text_shown_and_the_proof_prints_it(
    app, client, smtp_server, make_user
):
    shown = client.get("/anmelden/dortmund").get_data(as_text=True)
    person = signed_up(app, client, smtp_server, "ada@example.org")
    with app.app_context():
        events = list(
            db.session.scalars(
                select(ConsentEvent)
                .where(ConsentEvent.subscriber_id == person)
                .order_by(ConsentEvent.id)
            )
        )
        assert [e.kind for e in events] == ["signup", "confirmation_sent", "confirmed"]
        texts = {e.consent_text.text for e in events}
        assert len(texts) == 1
        [text] = texts
        assert text in shown  # the very sentence next to the box
        assert "Wirtschaftsförderung Dortmund" in text
        assert all(e.privacy_text.kind == "privacy" for e in events)
    manager = app.test_client()
    login(manager, make_user(Role.MANAGER, "dortmund").email)
    printed = proof(manager, person)
    assert printed.count(text) == 3  # once for every event, verbatim


def test_an_administrator_writes_a_new_version_and_old_events_keep_theirs(
    app, client, smtp_server, make_user
):
    before = signed_up(app, client, smtp_server, "ada@example.org")
    admin = app.test_client()
    login(admin, make_user(Role.ADMIN).email)
    form = admin.get(EDIT).get_data(as_text=True)
    saved = admin.post(EDIT, data={"csrf_token": csrf_token(form), "text": NEW_TEXT})
    assert saved.status_code == 302
    assert NEW_TEXT in client.get("/anmelden/dortmund").get_data(as_text=True)
    after = signed_up(app, client, smtp_server, "ben@example.org")

    with app.app_context():
        versions = list(
            db.session.scalars(
                select(ConsentText)
                .where(ConsentText.kind == "consent", ConsentText.language == "de")
                .where(ConsentText.text == NEW_TEXT)
            )
        )
        assert [v.version for v in versions] == [2]
    assert NEW_TEXT not in proof(admin, before)
    assert NEW_TEXT in proof(admin, after)
    history = admin.get(EDIT).get_data(as_text=True)
    assert "Version 1" in history
    assert "Version 2" in history


def test_only_administrators_edit_texts_and_an_empty_text_is_refused(
    app, client, make_user
):
    manager = app.test_client()
    login(manager, make_user(Role.MANAGER, "dortmund").email)
    assert manager.get(EDIT).status_code == 403
    assert manager.get("/admin/consent-texts").status_code == 403
    admin = app.test_client()
    login(admin, make_user(Role.ADMIN).email)
    form = admin.get(EDIT).get_data(as_text=True)
    refused = admin.post(EDIT, data={"csrf_token": csrf_token(form), "text": "  "})
    assert refused.status_code == 200
    assert "Bitte geben Sie den Text ein." in refused.get_data(as_text=True)
    assert admin.get("/admin/consent-texts/consent/atlantis/de").status_code == 404
    assert admin.get("/admin/consent-texts/cookie/dortmund/de").status_code == 404
