"""Line breaks in single-line fields (subject, names, titles, addresses) are refused
with a German message where they are typed: in a mail header they would end it and
start another (header injection), and a test send with such a subject failed with
500. The builders' autosave shows the message too, never a bare status code."""

import io

import pytest
from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.audience.models import Subscriber
from newsletter.campaigns.models import Campaign
from surveys.models import Survey
from tests import factories
from tests.http import csrf_token

ONE_LINE = "Bitte geben Sie hier nur eine Zeile ein"


def draft(app):
    return factories.made_in(
        app,
        factories.campaign,
        region="suedwestfalen",
        blocks=[{"id": "b1", "type": "heading", "text": "Alt"}],
    )


@pytest.mark.parametrize("field", ["subject_de", "title", "preheader_de"])
@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n"])
def test_the_editor_refuses_a_line_break_in_a_setting(
    app, client, login_as, field, line_break
):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = draft(app)
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    response = client.post(
        f"/campaigns/{campaign_id}?lang=de",
        data={
            "csrf_token": csrf_token(page),
            "block": ["b1"],
            "b-b1-text": "Neu",
            field: f"A{line_break}Bcc: victim@example.org",
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert ONE_LINE in response.get_data(as_text=True)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert "victim" not in str(campaign.subject) + campaign.title
        assert campaign.blocks["de"][0]["text"] == "Neu"  # nothing else is lost


def test_a_test_send_with_a_stored_two_line_subject_is_no_error(
    app, client, login_as, smtp_server
):
    """A subject that came in before the check (or through the database)."""
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = draft(app)
    with app.app_context():
        db.session.get(Campaign, campaign_id).subject = {"de": "A\nB"}
        db.session.commit()
    page = client.get(f"/campaigns/{campaign_id}/preview").get_data(as_text=True)
    response = client.post(
        f"/campaigns/{campaign_id}/test",
        data={
            "csrf_token": csrf_token(page),
            "addresses": "test@example.org",
            "language": "de",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert ONE_LINE in response.get_data(as_text=True)
    assert smtp_server.messages == []


def test_a_block_title_with_a_line_break_is_refused(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = draft(app)
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    response = client.post(
        f"/campaigns/{campaign_id}?lang=de",
        data={
            "csrf_token": csrf_token(page),
            "block": ["b1"],
            "b-b1-text": "Zeile\r\nZwei",
            "action": "save",
        },
        follow_redirects=True,
    )
    assert ONE_LINE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).blocks["de"][0]["text"] == "Alt"


def test_the_autosave_answers_a_line_break_with_the_message_in_json(
    app, client, login_as
):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = draft(app)
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    response = client.post(
        f"/campaigns/{campaign_id}/draft?lang=de",
        data={
            "csrf_token": csrf_token(page),
            "block": ["b1"],
            "b-b1-text": "Neu",
            "subject_de": "A\nB",
        },
        headers={"Accept": "application/json"},
    )
    assert response.is_json
    assert ONE_LINE in response.json["message"]
    assert response.json["settings_saved"] is False


def test_the_autosave_answers_a_control_character_in_json(app, client, login_as):
    """Word's line break inside a paragraph is U+000B: pasted, it reached the
    before-request check, whose 400 page the script showed as "400"."""
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = draft(app)
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    response = client.post(
        f"/campaigns/{campaign_id}/draft?lang=de",
        data={"csrf_token": csrf_token(page), "block": ["b1"], "b-b1-text": "A\x0bB"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.is_json
    assert "Steuerzeichen" in response.json["message"]
    assert response.json["saved"] is False


def test_the_survey_builder_autosave_shows_the_message(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    with app.app_context():
        survey = factories.survey(db.session, region="suedwestfalen")
        survey_id, question = survey.id, survey.questions[0]
        question_id = question.id
    page = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    response = client.post(
        f"/surveys/{survey_id}/draft",
        data={
            "csrf_token": csrf_token(page),
            "title_de": "Zwei\nZeilen",
            "question": [str(question_id)],
        },
        headers={"Accept": "application/json"},
    )
    assert response.is_json
    assert ONE_LINE in response.json["message"]
    with app.app_context():
        assert "\n" not in db.session.get(Survey, survey_id).title["de"]


def test_the_public_sign_up_refuses_a_name_with_a_line_break(app, client, list_ids):
    page = client.get("/anmelden/dortmund").get_data(as_text=True)
    list_id = list_ids["newsletter-dortmund"]
    response = client.post(
        "/anmelden/dortmund",
        data={
            "csrf_token": csrf_token(page),
            "email": "neu@example.org",
            "name": "Anna\r\nBcc: x@example.org",
            "lists": [str(list_id)],
            "language": "de",
            "consent": "y",
        },
    )
    assert ONE_LINE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Subscriber)) is None


def test_an_import_row_with_a_line_break_in_a_name_is_skipped_with_a_reason(
    app, client, login_as, list_ids
):
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/subscribers/import").get_data(as_text=True)
    rows = 'email,name\r\nanna@example.org,"Anna\r\nBcc: x@example.org"\r\n'
    rows += "bob@example.org,Bob\r\n"
    response = client.post(
        "/subscribers/import",
        data={
            "csrf_token": csrf_token(page),
            "lists": [str(list_ids["newsletter-dortmund"])],
            "file": (io.BytesIO(rows.encode()), "kontakte.csv"),
        },
        content_type="multipart/form-data",
    )
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zeilenumbruch" in review
    assert "1 von 2 Zeilen" in review


def test_a_name_stored_with_a_line_break_cannot_start_a_header(app):
    """Stored before the check: personalised, it stays one line."""
    from newsletter.campaigns.rendering import personal_values

    with app.test_request_context():
        values = personal_values("Anna\r\nBcc: x@example.org", "A\nG", "Dortmund", "de")
    assert not any("\n" in v or "\r" in v for v in values.values())
