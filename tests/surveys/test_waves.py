"""Survey waves: a manager asks a survey again as its next wave (same questions and
options, no dates, linked to the earlier one); analysts see the first question
across the waves, never a share that a wave's own analysis hides."""

import pytest
from sqlalchemy import select

from core.db import db
from core.models import Role
from surveys.builder.waves import a_year_later, new_wave, next_title, waves_of
from surveys.models import Question, Survey
from tests import factories
from tests.http import submit
from tests.surveys.trend_pages import trend_rows


def wave_of(app, survey_id):
    with app.app_context():
        return db.session.scalar(
            select(Survey.id).where(Survey.previous_wave_id == survey_id)
        )


def test_a_manager_starts_the_next_wave_with_the_same_questions(app, client, login_as):
    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    response = submit(client, f"/surveys/{survey_id}", f"/surveys/{survey_id}/new-wave")
    wave_id = wave_of(app, survey_id)
    assert response.headers["Location"].endswith(f"/surveys/{wave_id}")
    page = client.get(f"/surveys/{wave_id}").get_data(as_text=True)
    assert "Die nächste Welle ist bereit" in page
    with app.app_context():
        earlier, wave = (
            db.session.get(Survey, survey_id),
            db.session.get(Survey, wave_id),
        )
        # The survey opened yesterday: the next wave a year on, to be checked.
        assert wave.opens_at == a_year_later(earlier.opens_at)
        assert wave.closes_at == a_year_later(earlier.closes_at)
        assert not wave.is_open()
        assert wave.public_key != earlier.public_key
        assert [q.text for q in wave.questions] == [q.text for q in earlier.questions]
        assert [o.origin_id for o in wave.questions[0].options] == [
            o.id for o in earlier.questions[0].options
        ]
        third = new_wave(db.session, wave)  # origins point at the first wave
        assert [o.origin_id for o in third.questions[0].options] == [
            o.id for o in earlier.questions[0].options
        ]


@pytest.mark.parametrize(
    ("role", "region", "status"),
    [(Role.MANAGER, "suedwestfalen", 404), (Role.ANALYST, None, 403)],
)
def test_only_the_regions_managers_start_a_wave(
    app, client, login_as, role, region, status
):
    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    login_as(role, region)
    response = submit(client, "/", f"/surveys/{survey_id}/new-wave")
    assert response.status_code == status
    assert wave_of(app, survey_id) is None


def two_waves(app):
    """Wave 1: Dortmund 6× A, 4× B (B too few to show, so A too); wave 2:
    7× A, 5× B."""
    with app.app_context():
        first = factories.one_question_survey(db.session, labels=("A", "B"))
        a, b = first.options
        factories.answer(db.session, first, [a], times=6)
        factories.answer(db.session, first, [b], times=4)
        wave = new_wave(db.session, first.survey)
        db.session.commit()
        second = db.session.get(Question, wave.questions[0].id)
        a2, b2 = second.options
        factories.answer(db.session, second, [a2], times=7)
        factories.answer(db.session, second, [b2], times=5)
        return first.survey_id, wave.id


def test_analysts_see_the_question_across_waves_suppressed_as_published(
    app, client, login_as
):
    first_id, wave_id = two_waves(app)
    login_as(Role.ANALYST)
    html = client.get(f"/analysis/{wave_id}").get_data(as_text=True)
    rows = trend_rows(html)
    assert rows[0] == ["Antworten", "Gruppe", "Welle 1", "Welle 2", "Veränderung 1 → 2"]
    assert ["A", "Dortmund", "–", "58 % (32 %–81 %; 7/12)", "–"] in rows
    assert ["B", "Dortmund", "–", "42 % (19 %–68 %; 5/12)", "–"] in rows
    assert "60 %" not in html
    assert "40 %" not in html
    assert f'<a href="/analysis/{first_id}">Welle 1</a>' in html
    # The earlier wave's own page shows the same series.
    assert trend_rows(client.get(f"/analysis/{first_id}").get_data(as_text=True)) == (
        rows
    )


def test_a_survey_without_waves_shows_no_trend(app, client, login_as):
    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    login_as(Role.ANALYST)
    html = client.get(f"/analysis/{survey_id}").get_data(as_text=True)
    assert 'id="waves-title"' not in html
    assert "table=waves" not in html  # no empty download offered


def test_a_wave_without_dates_ahead_says_it_takes_answers_at_once(
    app, client, login_as
):
    with app.app_context():
        survey = factories.survey(db.session, region="dortmund")
        survey.opens_at = survey.closes_at = None
        db.session.commit()
        survey_id = survey.id
    login_as(Role.MANAGER, "dortmund")
    submit(client, f"/surveys/{survey_id}", f"/surveys/{survey_id}/new-wave")
    page = client.get(f"/surveys/{wave_of(app, survey_id)}").get_data(as_text=True)
    assert "sobald jemand ihren Link hat" in page


def test_a_wave_made_from_an_older_wave_continues_the_series(app):
    with app.app_context():
        first = factories.one_question_survey(db.session).survey
        second = new_wave(db.session, first)
        third = new_wave(db.session, first)  # pressed on the first wave again
        db.session.commit()
        assert third.previous_wave_id == second.id
        assert [w.id for w in waves_of(db.session, first)] == [
            first.id,
            second.id,
            third.id,
        ]


def test_a_wave_nobody_answered_yet_is_left_out_of_the_trend(app):
    from surveys.analysis.trends import trend_of

    first_id, second_id = two_waves(app)
    with app.app_context():
        empty = new_wave(db.session, db.session.get(Survey, second_id))
        db.session.commit()
        trend = trend_of(db.session, empty, 5)
        assert [w.survey_id for w in trend.waves] == [first_id, second_id]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Bedarfe und Angebote 2026", "Bedarfe und Angebote 2027"),
        ("Umfrage 2025/2026", "Umfrage 2025/2027"),
        ("Bedarfsumfrage", "Bedarfsumfrage (Welle 3)"),
    ],
)
def test_the_next_wave_gets_a_title_of_its_own(app, title, expected):
    with app.test_request_context():
        assert next_title(title, 3) == expected
