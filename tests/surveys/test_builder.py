"""Managers build a survey over HTTP in one form; what they type is kept whichever
button they press; another region's manager cannot see it."""

import pytest
from sqlalchemy import select

from core.db import db
from core.models import Role
from surveys.models import Survey
from tests import factories
from tests.form_filling import submit
from tests.http import csrf_token


def new_survey(client, title: str = "Fachkräfte 2027") -> str:
    page = client.get("/surveys").get_data(as_text=True)
    created = client.post(
        "/surveys", data={"csrf_token": csrf_token(page), "title": title}
    )
    return created.headers["Location"]


def add_question(client, location: str, kind: str):
    return submit(client, location, "editor", "add_question", {"new_kind": kind})


def first_question(app):
    with app.app_context():
        return db.session.scalar(select(Survey)).questions[0]


def test_manager_builds_a_survey_with_a_question_and_answers(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    location = new_survey(client)
    add_question(client, location, "single")
    question_id = first_question(app).id
    p = f"q-{question_id}-"
    empty = submit(client, location, "editor", "save", {f"{p}text_de": ""})
    assert "Frage 1: Der deutsche Fragetext fehlt." in empty.get_data(as_text=True)
    submit(
        client,
        location,
        "editor",
        "save",
        {f"{p}text_de": "Suchen Sie Fachkräfte?", f"{p}required": "y"},
    )
    submit(
        client,
        location,
        "editor",
        f"add_option:{question_id}",
        {f"{p}option_de": "Ja, dringend", f"{p}option_kind": "need"},
    )
    with app.app_context():
        question = db.session.scalar(select(Survey)).questions[0]
        assert question.text == {"de": "Suchen Sie Fachkräfte?"}
        assert question.required
        assert [(o.label["de"], o.kind) for o in question.options] == [
            ("Ja, dringend", "need")
        ]


def test_a_typed_question_is_not_lost_on_antwort_hinzufuegen(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    location = new_survey(client)
    add_question(client, location, "single")
    question_id = first_question(app).id
    p = f"q-{question_id}-"
    page = submit(
        client,
        location,
        "editor",
        f"add_option:{question_id}",
        {
            f"{p}text_de": "Nur getippt, nie gespeichert?",
            f"{p}text_en": "Only typed?",
            f"{p}option_de": "Ja",
        },
    ).get_data(as_text=True)
    assert 'value="Nur getippt, nie gespeichert?"' in page
    question = first_question(app)
    assert question.text == {"de": "Nur getippt, nie gespeichert?", "en": "Only typed?"}


def test_a_typed_question_is_not_lost_on_adding_a_question(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    location = new_survey(client)
    add_question(client, location, "text")
    question_id = first_question(app).id
    add_question_with_typed = submit(
        client,
        location,
        "editor",
        "add_question",
        {f"q-{question_id}-text_de": "Was fehlt Ihnen?", "new_kind": "nps"},
    )
    assert add_question_with_typed.status_code == 200
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        assert [q.kind for q in survey.questions] == ["text", "nps"]
        assert survey.questions[0].text == {"de": "Was fehlt Ihnen?"}


def test_questions_take_the_order_of_the_form(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    location = new_survey(client)
    for kind in ("single", "likert", "text"):
        add_question(client, location, kind)
    with app.app_context():
        ids = [q.id for q in db.session.scalar(select(Survey)).questions]
    submit(
        client, location, "editor", "save", {"question": [str(i) for i in ids[::-1]]}
    )
    with app.app_context():
        assert [q.kind for q in db.session.scalar(select(Survey)).questions] == [
            "text",
            "likert",
            "single",
        ]


def test_the_ends_of_a_likert_scale_are_labelled_in_both_languages(
    app, client, login_as
):
    login_as(Role.MANAGER, "dortmund")
    location = new_survey(client, "Transfer")
    add_question(client, location, "likert")
    p = f"q-{first_question(app).id}-"
    form = {
        f"{p}text_de": "Wie wichtig ist Ihnen Forschungstransfer?",
        f"{p}low_de": "unwichtig",
        f"{p}high_de": "sehr wichtig",
        f"{p}low_en": "not important",
        f"{p}high_en": "very important",
    }
    missing = submit(client, location, "editor", "save", {**form, f"{p}high_de": ""})
    assert "Frage 1: Bitte beschriften Sie beide Enden der Skala auf Deutsch." in (
        missing.get_data(as_text=True)
    )
    edit = submit(client, location, "editor", "save", form).get_data(as_text=True)
    assert 'value="sehr wichtig"' in edit
    assert first_question(app).scale_labels == {
        "de": ["unwichtig", "sehr wichtig"],
        "en": ["not important", "very important"],
    }


def test_a_wrong_date_is_named_and_the_rest_is_saved(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    location = new_survey(client, "Transfer")
    page = submit(
        client,
        location,
        "editor",
        "save",
        {"opens_at": "morgen früh", "intro_de": "Kurz und wichtig"},
    ).get_data(as_text=True)
    assert "Bitte geben Sie Datum und Uhrzeit" in page
    with app.app_context():
        assert db.session.scalar(select(Survey)).intro == {"de": "Kurz und wichtig"}


def test_autosave_keeps_typed_questions_but_adds_no_answer(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    location = new_survey(client)
    add_question(client, location, "single")
    question_id = first_question(app).id
    token = csrf_token(client.get(location).get_data(as_text=True))
    for _ in range(2):
        response = client.post(
            f"{location}/draft",
            data={
                "csrf_token": token,
                "title_de": "Fachkräfte 2027",
                "question": str(question_id),
                f"q-{question_id}-text_de": "Automatisch gesichert",
                f"q-{question_id}-option_de": "Erst mit Speichern",
            },
        )
        assert response.json["saved"] is True
    question = first_question(app)
    assert question.text == {"de": "Automatisch gesichert"}
    with app.app_context():
        assert db.session.scalar(select(Survey)).questions[0].options == []


def test_an_option_of_another_survey_cannot_be_removed(app, client, login_as):

    other = factories.made_in(app, factories.survey, region="suedwestfalen")
    login_as(Role.MANAGER, "suedwestfalen")
    location = new_survey(client)
    with app.app_context():
        option_id = db.session.get(Survey, other).questions[0].options[0].id
    token = csrf_token(client.get(location).get_data(as_text=True))
    response = client.post(
        location,
        data={
            "csrf_token": token,
            "title_de": "Fachkräfte 2027",
            "action": f"delete_option:{option_id}",
        },
    )
    assert response.status_code == 404
    with app.app_context():
        assert len(db.session.get(Survey, other).questions[0].options) > 0


@pytest.mark.parametrize(
    "region", ["suedwestfalen", None], ids=["other-region", "interregional"]
)
def test_another_regions_manager_gets_404(app, client, login_as, make_user, region):
    from tests.http import login

    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    other = app.test_client()
    login(other, make_user(Role.MANAGER, region).email)
    assert other.get(f"/surveys/{survey_id}").status_code == 404
    token = csrf_token(other.get("/surveys").get_data(as_text=True))
    assert (
        other.post(
            f"/surveys/{survey_id}/draft", data={"csrf_token": token, "title_de": "X"}
        ).status_code
        == 404
    )
