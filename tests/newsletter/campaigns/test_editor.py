"""The issue editor is one form: every button saves everything typed first, and a
background save (autosave) keeps the draft without a page load."""

from core.db import db
from core.models import Role
from newsletter.campaigns.models import Campaign
from tests import factories
from tests.form_filling import submit
from tests.http import csrf_token


def blocks_of(app, campaign_id: int, language: str = "de") -> list[dict]:
    with app.app_context():
        return db.session.get(Campaign, campaign_id).blocks_for(language)


def test_text_typed_into_a_block_survives_adding_another(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    response = submit(
        client,
        f"/campaigns/{campaign_id}?lang=de",
        "editor",
        "add",
        {"b-b2-body": "Frisch getippt, nie gespeichert", "new_type": "button"},
    )
    assert response.status_code == 200
    blocks = blocks_of(app, campaign_id)
    assert blocks[1]["body"] == "Frisch getippt, nie gespeichert"
    assert blocks[-1]["type"] == "button"
    assert "Frisch getippt, nie gespeichert" in response.get_data(as_text=True)


def test_moving_a_block_keeps_what_was_typed_in_the_settings(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    submit(
        client,
        f"/campaigns/{campaign_id}?lang=de",
        "editor",
        "down:b1",
        {"subject_de": "Neuer Betreff", "b-b1-text": "Neue Überschrift"},
    )
    blocks = blocks_of(app, campaign_id)
    assert [b["id"] for b in blocks[:2]] == ["b2", "b1"]
    assert blocks[1]["text"] == "Neue Überschrift"
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).subject["de"] == "Neuer Betreff"


def test_the_order_of_the_form_is_the_order_of_the_blocks(app, client, login_as):
    """Drag and drop only changes the order of the fields; saving takes it over."""
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    submit(
        client,
        f"/campaigns/{campaign_id}?lang=de",
        "editor",
        "save",
        {"block": ["b7", "b1", "b2", "b3", "b4", "b5", "b6"]},
    )
    assert [b["id"] for b in blocks_of(app, campaign_id)] == [
        "b7",
        "b1",
        "b2",
        "b3",
        "b4",
        "b5",
        "b6",
    ]


def autosave(client, campaign_id: int, token: str, **fields):
    return client.post(
        f"/campaigns/{campaign_id}/draft?lang=de",
        data={"csrf_token": token, "block": ["b1", "b2"], **fields},
    )


def test_autosave_saves_the_draft_and_answers_json(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(
        app,
        factories.campaign,
        region="suedwestfalen",
        blocks=[{"id": "b1", "type": "heading"}],
    )
    token = csrf_token(client.get(f"/campaigns/{campaign_id}").get_data(as_text=True))
    response = autosave(
        client, campaign_id, token, title="Aprilausgabe", **{"b-b1-text": "Hallo"}
    )
    assert response.status_code == 200
    assert response.json["saved"] is True
    assert "Gespeichert um" in response.json["message"]
    assert blocks_of(app, campaign_id)[0]["text"] == "Hallo"
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).title == "Aprilausgabe"


def test_autosave_keeps_the_blocks_when_a_setting_is_wrong(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(
        app,
        factories.campaign,
        region="suedwestfalen",
        blocks=[{"id": "b1", "type": "heading"}],
    )
    token = csrf_token(client.get(f"/campaigns/{campaign_id}").get_data(as_text=True))
    response = autosave(
        client, campaign_id, token, title="x" * 300, **{"b-b1-text": "Bleibt"}
    )
    assert response.json["settings_saved"] is False
    assert blocks_of(app, campaign_id)[0]["text"] == "Bleibt"
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).title == "Märzausgabe"


def test_autosave_needs_the_csrf_token(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(
        app,
        factories.campaign,
        region="suedwestfalen",
        blocks=[{"id": "b1", "type": "heading"}],
    )
    response = autosave(client, campaign_id, "forged", **{"b-b1-text": "Angriff"})
    assert response.status_code == 400
    assert blocks_of(app, campaign_id)[0].get("text") != "Angriff"


def test_autosave_of_another_regions_issue_is_404(app, client, login_as):
    campaign_id = factories.made_in(
        app,
        factories.campaign,
        region="suedwestfalen",
        blocks=[{"id": "b1", "type": "heading"}],
    )
    login_as(Role.MANAGER, "dortmund")
    token = csrf_token(client.get("/campaigns").get_data(as_text=True))
    response = autosave(client, campaign_id, token, **{"b-b1-text": "Fremd"})
    assert response.status_code == 404
    assert blocks_of(app, campaign_id)[0].get("text") != "Fremd"


def test_an_analyst_cannot_autosave(app, client, login_as):
    campaign_id = factories.made_in(
        app,
        factories.campaign,
        region="suedwestfalen",
        blocks=[{"id": "b1", "type": "heading"}],
    )
    login_as(Role.ANALYST)
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert autosave(client, campaign_id, token).status_code == 403


def test_autosave_refuses_an_issue_no_longer_a_draft(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(
        app,
        factories.campaign,
        region="suedwestfalen",
        blocks=[{"id": "b1", "type": "heading"}],
        status="sent",
    )
    token = csrf_token(client.get(f"/campaigns/{campaign_id}").get_data(as_text=True))
    response = autosave(client, campaign_id, token, **{"b-b1-text": "Zu spät"})
    assert response.status_code == 409
    assert response.json["saved"] is False
    assert blocks_of(app, campaign_id)[0].get("text") != "Zu spät"


def test_the_editor_page_never_changes_anything_on_get(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    before = blocks_of(app, campaign_id)
    client.get(f"/campaigns/{campaign_id}/draft?lang=de&b-b1-text=x")
    client.get(f"/campaigns/{campaign_id}?lang=de&b-b1-text=x&action=delete:b1")
    assert blocks_of(app, campaign_id) == before
