"""Managers build a survey over HTTP; another region's manager cannot see it."""

from sqlalchemy import select

from core.db import db
from core.models import Role
from surveys.models import Survey
from tests import factories
from tests.http import csrf_token


def test_manager_builds_a_survey_with_a_question_and_answers(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    page = client.get("/surveys").get_data(as_text=True)
    created = client.post(
        "/surveys", data={"csrf_token": csrf_token(page), "title": "Fachkräfte 2027"}
    )
    location = created.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    client.post(
        f"{location}/questions", data={"csrf_token": csrf_token(page), "kind": "single"}
    )
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        question_id = survey.questions[0].id
    url = f"{location}/questions/{question_id}"
    empty = client.post(
        url,
        data={"csrf_token": csrf_token(page), "action": "save", "text_de": ""},
        follow_redirects=True,
    )
    assert "Der deutsche Fragetext ist erforderlich." in empty.get_data(as_text=True)
    client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            "action": "save",
            "text_de": "Suchen Sie Fachkräfte?",
            "required": "y",
        },
    )
    client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            "action": "add_option",
            "option_de": "Ja, dringend",
            "option_kind": "need",
        },
    )
    with app.app_context():
        question = db.session.scalar(select(Survey)).questions[0]
        assert question.text == {"de": "Suchen Sie Fachkräfte?"}
        assert [(o.label["de"], o.kind) for o in question.options] == [
            ("Ja, dringend", "need")
        ]


def test_the_ends_of_a_likert_scale_are_labelled_in_both_languages(
    app, client, login_as
):
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/surveys").get_data(as_text=True)
    location = client.post(
        "/surveys", data={"csrf_token": csrf_token(page), "title": "Transfer"}
    ).headers["Location"]
    client.post(
        f"{location}/questions", data={"csrf_token": csrf_token(page), "kind": "likert"}
    )
    with app.app_context():
        question_id = db.session.scalar(select(Survey)).questions[0].id
    form = {
        "csrf_token": csrf_token(page),
        "action": "save",
        "text_de": "Wie wichtig ist Ihnen Forschungstransfer?",
        "low_de": "unwichtig",
        "high_de": "sehr wichtig",
        "low_en": "not important",
        "high_en": "very important",
    }
    url = f"{location}/questions/{question_id}"
    missing = client.post(url, data={**form, "high_de": ""}, follow_redirects=True)
    assert "Bitte beschriften Sie beide Enden der Skala auf Deutsch." in (
        missing.get_data(as_text=True)
    )
    edit = client.post(url, data=form, follow_redirects=True).get_data(as_text=True)
    assert 'value="sehr wichtig"' in edit
    with app.app_context():
        question = db.session.scalar(select(Survey)).questions[0]
        assert question.scale_labels == {
            "de": ["unwichtig", "sehr wichtig"],
            "en": ["not important", "very important"],
        }


def test_another_regions_manager_gets_404(app, client, login_as, make_user):
    from tests.http import login

    with app.app_context():
        survey_id = factories.survey(db.session).id
    other = app.test_client()
    login(other, make_user(Role.MANAGER, "suedwestfalen").email)
    assert other.get(f"/surveys/{survey_id}").status_code == 404
