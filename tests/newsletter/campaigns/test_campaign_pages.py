"""A manager composes issues in her region: starts one empty or from a template, sets
its subject and lists, edits blocks, translates, sends tests, duplicates. Sent issues
stay as they were sent; other regions and analysts get nothing."""

import pytest
from sqlalchemy import select

from core.db import db
from core.models import AuditEntry, Role
from newsletter.campaigns.models import BlockTemplate, Campaign
from tests import factories
from tests.form_filling import submit as fill_in
from tests.http import submit


@pytest.fixture
def manager(login_as):
    """The client, logged in as the manager of Dortmund."""
    return login_as(Role.MANAGER, "dortmund")


def issue(app, **fields) -> int:
    with app.app_context():
        return factories.campaign(db.session, **fields).id


def stored(app, campaign_id) -> Campaign:
    with app.app_context():
        found = db.session.get(Campaign, campaign_id)
        _ = found.lists, found.segments  # loaded before it leaves the session
        db.session.expunge(found)
        return found


def newest_campaign(app) -> Campaign:
    with app.app_context():
        found = db.session.scalar(select(Campaign).order_by(Campaign.id.desc()))
        _ = found.lists, found.segments  # loaded before it leaves the session
        db.session.expunge(found)
        return found


def test_a_new_issue_belongs_to_the_managers_region(app, client, manager, region_ids):
    response = submit(client, "/campaigns", "/campaigns/new")
    made = newest_campaign(app)
    assert response.headers["Location"].endswith(f"/campaigns/{made.id}")
    assert (made.region_id, made.title, made.status) == (
        region_ids["dortmund"],
        "Neue Ausgabe",
        "draft",
    )
    # A regional manager cannot choose: another region in the form is refused.
    forged = submit(
        client,
        "/campaigns",
        "/campaigns/new",
        {"region_id": str(region_ids["suedwestfalen"])},
    )
    assert forged.status_code == 404
    assert newest_campaign(app).id == made.id


def test_an_administrator_chooses_the_region_or_both(app, client, login_as, region_ids):
    login_as(Role.ADMIN)
    submit(client, "/campaigns", "/campaigns/new", {"region_id": ""})
    assert newest_campaign(app).region_id is None  # for both regions
    submit(
        client,
        "/campaigns",
        "/campaigns/new",
        {"region_id": str(region_ids["suedwestfalen"])},
    )
    assert newest_campaign(app).region_id == region_ids["suedwestfalen"]


def test_a_new_issue_without_the_forms_token_is_refused(app, client, manager):
    assert client.post("/campaigns/new").status_code == 400


def test_an_issue_saved_as_template_starts_the_next_one(app, client, manager):
    campaign_id = issue(app)
    page = submit(
        client,
        f"/campaigns/{campaign_id}/preview",
        f"/campaigns/{campaign_id}/template",
        {"name": "Monatsausgabe"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Als Vorlage „Monatsausgabe“ gespeichert." in page
    with app.app_context():
        template_id = db.session.scalar(select(BlockTemplate.id))
    listing = client.get("/campaigns").get_data(as_text=True)
    assert f'<option value="template:{template_id}">Monatsausgabe</option>' in listing
    submit(client, "/campaigns", "/campaigns/new", {"start": f"template:{template_id}"})
    made = newest_campaign(app)
    assert made.id != campaign_id
    assert made.title == "Monatsausgabe"
    assert made.blocks == stored(app, campaign_id).blocks


def test_a_template_needs_a_name(app, client, manager):
    campaign_id = issue(app)
    page = submit(
        client,
        f"/campaigns/{campaign_id}/preview",
        f"/campaigns/{campaign_id}/template",
        {"name": ""},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Bitte geben Sie der Vorlage einen Namen." in page
    with app.app_context():
        assert db.session.scalar(select(BlockTemplate)) is None


def test_an_unknown_template_is_404(app, client, manager):
    for start in ("template:999", "template:x"):
        response = submit(client, "/campaigns", "/campaigns/new", {"start": start})
        assert response.status_code == 404, start
    with app.app_context():
        assert db.session.scalar(select(Campaign)) is None


def test_subjects_preview_texts_and_lists_are_saved_and_audited(
    app, client, manager, list_ids
):
    campaign_id = issue(app)
    with app.app_context():
        events = factories.mailing_list(db.session, name="Veranstaltungen").id
        factories.mailing_list(db.session, name="Fremd", region="suedwestfalen")
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Veranstaltungen" in page
    assert "Fremd" not in page  # another region's list is no choice
    response = fill_in(
        client,
        f"/campaigns/{campaign_id}?lang=de",
        "editor",
        "save",
        {
            "title": "Aprilausgabe",
            "subject_de": "Neu im April",
            "subject_en": "New in April",
            "preheader_de": "Termine",
            "preheader_en": "Dates",
            "lists": [str(list_ids["newsletter-dortmund"]), str(events)],
        },
    )
    assert "Gespeichert." in response.get_data(as_text=True)
    saved = stored(app, campaign_id)
    assert saved.title == "Aprilausgabe"
    assert saved.subject == {"de": "Neu im April", "en": "New in April"}
    assert saved.preheader == {"de": "Termine", "en": "Dates"}
    assert saved.list_ids == [list_ids["newsletter-dortmund"], events]
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action)) == "edit"


def test_a_block_is_added_filled_in_and_shown_in_the_preview(app, client, manager):
    campaign_id = issue(app, blocks=[])
    editor = f"/campaigns/{campaign_id}?lang=de"
    added = fill_in(client, editor, "editor", "add", {"new_type": "heading"})
    [block] = stored(app, campaign_id).blocks["de"]
    assert added.history[-1].headers["Location"].endswith(f"#block-{block['id']}")
    fill_in(client, editor, "editor", "save", {f"b-{block['id']}-text": "Frühjahr"})
    assert stored(app, campaign_id).blocks["de"][0]["text"] == "Frühjahr"
    preview = client.get(f"/campaigns/{campaign_id}/preview.html")
    assert "Frühjahr" in preview.get_data(as_text=True)
    assert "sandbox" in preview.headers["Content-Security-Policy"]


def test_an_unknown_block_type_adds_nothing(app, client, manager):
    campaign_id = issue(app, blocks=[])
    response = fill_in(
        client,
        f"/campaigns/{campaign_id}?lang=de",
        "editor",
        "add",
        {"new_type": "marquee"},
    )
    assert response.status_code == 400
    assert stored(app, campaign_id).blocks["de"] == []


def test_an_unknown_block_keeps_what_was_typed_and_a_missing_token_is_400(
    app, client, manager
):
    """A button of a block that is gone (removed in another tab) saves what was
    typed and changes nothing else; without the form's token nothing is saved."""
    campaign_id = issue(app)
    before = stored(app, campaign_id).blocks["de"]
    editor = f"/campaigns/{campaign_id}?lang=de"
    for action in ("delete:nope", "up:nope", "down:nope"):
        response = fill_in(client, editor, "editor", action, {"b-b1-text": "Neu"})
        assert response.status_code == 200, action
        assert "Gespeichert." in response.get_data(as_text=True)
    after = stored(app, campaign_id).blocks["de"]
    assert [b["id"] for b in after] == [b["id"] for b in before]
    assert after[0]["text"] == "Neu"
    bare = client.post(
        f"/campaigns/{campaign_id}", data={"action": "up:b2", "b-b1-text": "Ohne"}
    )
    assert bare.status_code == 400
    assert stored(app, campaign_id).blocks["de"] == after


def test_the_german_blocks_are_copied_to_start_the_english_version(
    app, client, manager
):
    campaign_id = issue(app)
    response = submit(
        client,
        f"/campaigns/{campaign_id}",
        f"/campaigns/{campaign_id}/copy-to-english",
        follow_redirects=True,
    )
    assert "Die deutschen Bausteine sind kopiert; übersetzen Sie sie jetzt." in (
        response.get_data(as_text=True)
    )
    copied = stored(app, campaign_id)
    assert copied.blocks["en"] == copied.blocks["de"]
    assert copied.subject["en"] == copied.subject["de"]
    english = client.get(f"/campaigns/{campaign_id}/preview?lang=en")
    assert english.status_code == 200


def test_a_sent_issue_stays_as_it_was_sent(app, client, manager):
    campaign_id = issue(app, status="sent")
    before = stored(app, campaign_id)
    editor = f"/campaigns/{campaign_id}?lang=de"
    shown = client.get(editor).get_data(as_text=True)
    for offered in ('value="add"', 'value="up:b2"', "data-autosave-url"):
        assert offered not in shown, offered  # nothing to press, no autosave
    # A tab opened while it was a draft still sends the old buttons: refused.
    for action, changes in (
        ("save", {"title": "Umgeschrieben", "b-b1-text": "Umgeschrieben"}),
        ("add", {"new_type": "divider"}),
        ("up:b2", {}),
        ("delete:b1", {}),
    ):
        page = fill_in(client, editor, "editor", action, changes)
        assert "Nur Entwürfe können geändert werden." in page.get_data(as_text=True)
    copied = submit(
        client,
        editor,
        f"/campaigns/{campaign_id}/copy-to-english",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Nur Entwürfe können geändert werden." in copied
    after = stored(app, campaign_id)
    assert (after.title, after.blocks) == (before.title, before.blocks)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry)) is None


def test_a_duplicate_is_a_new_draft_with_the_same_content(app, client, manager):
    campaign_id = issue(app, status="sent")
    response = submit(
        client,
        f"/campaigns/{campaign_id}/preview",
        f"/campaigns/{campaign_id}/duplicate",
        follow_redirects=True,
    )
    assert "Dies ist eine Kopie; passen Sie sie für die nächste Ausgabe an." in (
        response.get_data(as_text=True)
    )
    original, twin = stored(app, campaign_id), newest_campaign(app)
    assert twin.id != original.id
    assert (twin.status, twin.title) == ("draft", "Kopie von Märzausgabe")
    assert (twin.blocks, twin.list_ids) == (original.blocks, original.list_ids)
    assert client.post(f"/campaigns/{campaign_id}/duplicate").status_code == 400


def test_a_test_send_needs_an_address(app, client, manager, smtp_server):
    campaign_id = issue(app)
    page = submit(
        client,
        f"/campaigns/{campaign_id}/preview",
        f"/campaigns/{campaign_id}/test",
        {"addresses": "", "language": "de"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Bitte geben Sie mindestens eine Adresse ein." in page
    assert smtp_server.messages == []


def test_a_mail_server_that_is_down_gets_a_kind_message(app, client, manager):
    from core.devmail import free_port

    campaign_id = issue(app)
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nobody listens
    page = submit(
        client,
        f"/campaigns/{campaign_id}/preview",
        f"/campaigns/{campaign_id}/test",
        {"addresses": "chefin@example.org", "language": "de"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Der Mailserver hat die Test-E-Mail nicht angenommen." in page
    with app.app_context():
        assert db.session.scalar(select(AuditEntry)) is None


def test_an_issue_that_does_not_exist_is_404(app, client, manager):
    assert client.get("/campaigns/999").status_code == 404
    assert client.get("/campaigns/999/preview").status_code == 404


@pytest.mark.parametrize(
    "other", ["suedwestfalen", None], ids=["other-region", "interregional"]
)
def test_a_manager_of_the_other_region_gets_404(app, client, login_as, other):
    campaign_id = issue(app)
    login_as(Role.MANAGER, other)
    for path in ("", "/preview", "/preview.html"):
        assert client.get(f"/campaigns/{campaign_id}{path}").status_code == 404, path
    for path in ("", "/draft", "/duplicate", "/copy-to-english", "/template"):
        response = submit(client, "/campaigns", f"/campaigns/{campaign_id}{path}")
        assert response.status_code == 404, path
    assert "Märzausgabe" not in client.get("/campaigns").get_data(as_text=True)


def test_an_analyst_gets_403(app, client, login_as):
    campaign_id = issue(app)
    login_as(Role.ANALYST)
    for path in ("/campaigns", f"/campaigns/{campaign_id}"):
        assert client.get(path).status_code == 403, path
    for path in ("/campaigns/new", f"/campaigns/{campaign_id}/duplicate"):
        assert submit(client, "/", path).status_code == 403, path
