"""A determined analyst attacks the published release: every view the API serves,
filtered and not, read as equations and solved for the small groups planted in the
data (tests/surveys/attacker.py). No small group may be narrowed to an interval
smaller than MIN_CELL; cells that need no protection stay visible."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.db import db, utcnow
from core.models import District, Region, Role
from newsletter.audience.models import Topic
from surveys.builder.editing import (
    add_option,
    add_question,
    create_survey,
    update_question,
)
from surveys.models import Answer, Click, SurveyResponse
from tests import factories
from tests.surveys.attacker import DAYS_BACK, Person, Universe, View, attack

MIN = 5
SWF, DO = "Südwestfalen", "Dortmund"
FILTERS = (
    ("org_type", "org_type"),
    ("district", "district"),
    ("campaign_id", "campaign"),
)


def plant(people: list[Person], campaigns: int = 0) -> dict:
    """A survey (single choice of three, two tagged as needs; a Likert scale) and
    one response per person, with campaigns and days as given."""
    session = db.session
    topics = list(session.scalars(select(Topic).order_by(Topic.id)))[:2]
    survey = create_survey(session, "Angriff", None)
    single = add_question(session, survey, "single")
    update_question(single, {"de": "Was brauchen Sie?"}, True, None)
    options = [
        add_option(session, single, {"de": "Fachkräfte"}, topics[0].id, "need"),
        add_option(session, single, {"de": "KI"}, topics[1].id, "need"),
        add_option(session, single, {"de": "Nichts"}, None, None),
    ]
    scale = add_question(session, survey, "likert")
    update_question(scale, {"de": "Kooperation lohnt sich."}, False, None)
    session.commit()
    made = [factories.campaign(session, title=f"K{i}") for i in range(campaigns)]
    regions = {r.name: r.id for r in session.scalars(select(Region))}
    districts = {d.name: d.id for d in session.scalars(select(District))}
    now = utcnow()
    for person in people:
        response = SurveyResponse(
            survey_id=survey.id,
            source="public" if person.campaign is None else "mail",
            region_id=regions.get(person.region) if person.region else None,
            org_type=person.org_type,
            district_id=districts.get(person.district) if person.district else None,
            campaign_id=None if person.campaign is None else made[person.campaign].id,
            created_at=now - timedelta(days=person.day + DAYS_BACK),
            updated_at=now - timedelta(days=person.day + DAYS_BACK),
        )
        response.answers = [
            Answer(question_id=single.id, option_id=options[person.answer].id)
        ]
        if person.scale is not None:
            response.answers.append(Answer(question_id=scale.id, value=person.scale))
        session.add(response)
    session.commit()
    return {
        "survey": survey.id,
        "options": [o.id for o in options],
        "topics": {topics[0].id: [0], topics[1].id: [1]},
        "campaigns": [c.id for c in made],
    }


def views(client, planted: dict, universe: Universe) -> list[View]:
    """Every view the analyst can fetch: unfiltered, every value she can think of
    for every filter, and every value the API offers (its 'others' included)."""
    url = f"/api/surveys/{planted['survey']}/tables"
    fetched = [View(lambda k: True, client.get(url).get_json())]
    offered = fetched[0].tables.get("filter_options", {})
    campaigns = planted["campaigns"]
    for param, attribute in FILTERS:
        values = {
            "org_type": universe.org_types,
            "district": universe.districts,
            "campaign_id": universe.campaigns,
        }[param]
        raw = {
            (str(campaigns[v]) if param == "campaign_id" else v): v
            for v in values
            if v is not None
        }
        asked = set(raw) | {o["value"] for o in offered.get(param, [])}
        for value in asked:
            answer = client.get(url, query_string={param: value})
            if answer.status_code != 200:
                continue
            if value in raw:
                fetched.append(
                    View(
                        lambda k, a=attribute, v=raw[value]: getattr(k, a) == v,
                        answer.get_json(),
                    )
                )
            else:  # the API's "others": every value it does not name
                named = [raw[o["value"]] for o in offered[param] if o["value"] in raw]
                fetched.append(
                    View(
                        lambda k, a=attribute, n=named: getattr(k, a) not in n,
                        answer.get_json(),
                    )
                )
    return fetched


def leaks_in(app, client, login_as, people: list[Person], universe: Universe):
    with app.app_context():
        planted = plant(
            people, campaigns=len([c for c in universe.campaigns if c is not None])
        )
    login_as(Role.ANALYST)
    return attack(
        universe,
        people,
        views(client, planted, universe),
        planted["options"],
        planted["topics"],
        planted["campaigns"],
        MIN,
    )


def many(times: int, **fields) -> list[Person]:
    return [Person(**fields) for _ in range(times)]


def test_a_small_region_cannot_be_worked_back_from_totals_bridge_or_scales(
    app, client, login_as
):
    people = (
        many(2, region=DO, answer=0, scale=2)
        + many(7, region=SWF, answer=0, scale=4)
        + many(6, region=SWF, answer=1, scale=5)
        + many(6, region=None, answer=2, scale=4)
    )
    universe = Universe(regions=[SWF, DO, None], scales=[None, 2, 4, 5])
    assert leaks_in(app, client, login_as, people, universe) == []


def test_a_hidden_scale_point_cannot_be_worked_back_from_n_and_the_other_points(
    app, client, login_as
):
    people = (
        many(2, region=SWF, answer=0, scale=1)
        + many(8, region=SWF, answer=0, scale=4)
        + many(7, region=SWF, answer=1, scale=5)
    )
    universe = Universe(regions=[SWF], scales=[None, 1, 4, 5])
    assert leaks_in(app, client, login_as, people, universe) == []


def test_a_hidden_day_cannot_be_worked_back_from_the_total(app, client, login_as):
    people = many(12, region=SWF, answer=0, day=0) + many(
        2, region=SWF, answer=1, day=3
    )
    universe = Universe(regions=[SWF], days=[0, 3])
    assert leaks_in(app, client, login_as, people, universe) == []


def test_a_hidden_campaign_cannot_be_worked_back_from_the_region(app, client, login_as):
    people = (
        many(9, region=DO, answer=0, campaign=0)
        + many(2, region=DO, answer=1, campaign=1)
        + many(6, region=DO, answer=1, campaign=2)
    )
    universe = Universe(regions=[DO], campaigns=[0, 1, 2])
    assert leaks_in(app, client, login_as, people, universe) == []


def test_one_startup_cannot_be_subtracted_from_the_other_organisation_types(
    app, client, login_as
):
    people = (
        many(9, region=DO, answer=0, org_type="company")
        + many(1, region=DO, answer=1, org_type="startup")
        + many(7, region=DO, answer=1, org_type="university")
    )
    universe = Universe(regions=[DO], org_types=["company", "startup", "university"])
    assert leaks_in(app, client, login_as, people, universe) == []


def test_one_district_cannot_be_subtracted_from_the_others(app, client, login_as):
    people = (
        many(9, region=SWF, answer=0, district="Kreis Olpe")
        + many(2, region=SWF, answer=0, district="Kreis Soest")
        + many(6, region=SWF, answer=1, district="Hochsauerlandkreis")
    )
    universe = Universe(
        regions=[SWF],
        districts=["Kreis Olpe", "Kreis Soest", "Hochsauerlandkreis"],
    )
    assert leaks_in(app, client, login_as, people, universe) == []


def test_the_filtered_n_does_not_reveal_the_people_the_filter_leaves_out(
    app, client, login_as
):
    people = many(10, region=DO, answer=0, org_type="company") + many(
        3, region=DO, answer=0, org_type="startup"
    )
    universe = Universe(regions=[DO], org_types=["company", "startup"])
    assert leaks_in(app, client, login_as, people, universe) == []


def test_clicks_of_a_handful_are_not_shown(app, client, login_as):
    with app.app_context():
        planted = plant(many(8, region=DO, answer=0, campaign=0), campaigns=1)
        db.session.add_all(
            Click(
                survey_id=planted["survey"],
                campaign_id=planted["campaigns"][0],
                at=utcnow() - timedelta(days=DAYS_BACK),  # in the day's release
            )
            for _ in range(2)
        )
        db.session.commit()
    login_as(Role.ANALYST)
    rates = client.get(f"/api/surveys/{planted['survey']}/tables").get_json()
    (row,) = rates["tables"]["response_rates"]
    assert row["clicks"] is None


def test_two_answers_without_a_region_leave_the_total_of_900_visible(
    app, client, login_as
):
    people = (
        many(300, region=SWF, answer=0)
        + many(150, region=SWF, answer=1)
        + many(200, region=DO, answer=0)
        + many(248, region=DO, answer=2)
        + many(2, region=None, answer=1)
    )
    with app.app_context():
        planted = plant(people)
    login_as(Role.ANALYST)
    tables = client.get(f"/api/surveys/{planted['survey']}/tables").get_json()
    shares = tables["tables"]["shares"]
    total = [r for r in shares if r["group"] == "Gesamt"]
    assert total
    assert all(r["share"] is not None for r in total)
    hidden = [r for r in shares if r["suppressed"]]
    assert len(hidden) <= len(shares) // 3, hidden


person = st.builds(
    Person,
    region=st.sampled_from([SWF, DO, None]),
    answer=st.integers(0, 2),
    scale=st.sampled_from([None, 3, 5]),
    org_type=st.sampled_from(["company", "startup"]),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    crowd=st.lists(person, min_size=6, max_size=14),
    base=st.lists(person, min_size=1, max_size=3),
)
def test_no_small_group_of_a_generated_survey_can_be_narrowed(
    app, client, login_as, crowd, base
):
    """Tiny groups everywhere: a few kinds of people repeated (5-9 times) plus a
    handful of single people."""
    people = [p for p in base for _ in range(6)] + crowd
    universe = Universe(
        regions=[SWF, DO, None],
        scales=[None, 3, 5],
        org_types=["company", "startup"],
    )
    assert leaks_in(app, client, login_as, people, universe) == []


@pytest.fixture
def login_as(client, make_user):
    """Log in as an analyst once per test, also when Hypothesis calls again."""
    from tests.http import login

    made: dict = {}

    def do(role):
        if role not in made:
            made[role] = make_user(role)
            login(client, made[role].email)
        return made[role]

    return do


def test_others_never_name_the_values_they_merge(app, client, login_as):
    with app.app_context():
        planted = plant(many(12, region=DO, answer=0))
        responses = db.session.scalars(
            select(SurveyResponse).where(SurveyResponse.survey_id == planted["survey"])
        ).all()
        for index, response in enumerate(responses):
            response.sector = "Maschinenbau" if index < 9 else "Müller Metallbau"
        db.session.commit()
    login_as(Role.ANALYST)
    api = client.get(f"/api/surveys/{planted['survey']}/tables")
    page = client.get(f"/analysis/{planted['survey']}")
    for body in (api.get_data(as_text=True), page.get_data(as_text=True)):
        assert "Maschinenbau" in body
        assert "Müller" not in body
    assert "Sonstige oder keine Angabe" in page.get_data(as_text=True)
    refused = client.get(f"/analysis/{planted['survey']}?sector=Müller Metallbau")
    assert refused.status_code == 400
    assert "Dieser Filterwert wird nicht angeboten" in refused.get_data(as_text=True)
    both = client.get(
        f"/api/surveys/{planted['survey']}/tables?sector=Maschinenbau&org_type=company"
    )
    assert both.status_code == 400


def test_the_start_page_gives_an_analyst_no_count_beside_the_release(
    app, client, login_as
):
    """Eight answers from Südwestfalen and two from Dortmund: the release leaves
    Dortmund out, and "10 answers" on the start page would give its 2 away."""
    with app.app_context():
        question = factories.one_question_survey(db.session)
        first = question.options[0]
        factories.answer(db.session, question, [first], region="suedwestfalen", times=8)
        factories.answer(db.session, question, [first], region="dortmund", times=2)
    login_as(Role.ANALYST)
    home = client.get("/").get_data(as_text=True)
    assert "Analyse" in home  # the panel names the survey
    assert "10 Antworten" not in home


def test_hidden_scale_points_cannot_be_pinned_down_by_the_zeros_shown_beside_them(
    app, client, login_as
):
    # Five people over three points (2, 2, 1) and zeros at the other two: a hidden
    # point has at least one person, so the five cannot spread as the auditor's
    # non-negative model assumed (each between 1 and 3).
    people = (
        many(2, region=SWF, answer=0, scale=1)
        + many(2, region=SWF, answer=0, scale=2)
        + many(1, region=SWF, answer=1, scale=3)
        + many(9, region=DO, answer=1, scale=5)
    )
    universe = Universe(regions=[SWF, DO], scales=[None, 1, 2, 3, 4, 5])
    assert leaks_in(app, client, login_as, people, universe) == []


def test_no_row_shows_a_zero_beside_a_hidden_count(app, client, login_as):
    people = (
        many(2, region=SWF, answer=0, scale=1)
        + many(6, region=SWF, answer=1, scale=4)
        + many(9, region=DO, answer=1, scale=5)
    )
    with app.app_context():
        planted = plant(people)
    login_as(Role.ANALYST)
    tables = client.get(f"/api/surveys/{planted['survey']}/tables").get_json()["tables"]
    rows = tables["scales"] + tables["shares"]
    assert any(None in row.values() for row in rows)  # something is hidden
    for row in tables["scales"]:
        counts = [row[f"count_{p}"] for p in range(1, 6)]
        assert not (None in counts and 0 in counts), row


def test_no_option_of_a_multiple_choice_shows_0_beside_a_hidden_one(
    app, client, login_as
):
    # Seven people offer A, B, C (two of each kind at most): nobody offers D or E.
    with app.app_context():
        question = factories.one_question_survey(
            db.session, kind="multiple", labels=("A", "B", "C", "D", "E")
        )
        a, b, c, _d, _e = question.options
        factories.answer(db.session, question, [a], region="suedwestfalen")
        factories.answer(db.session, question, [a, b], region="suedwestfalen")
        factories.answer(db.session, question, [b], region="suedwestfalen", times=3)
        factories.answer(db.session, question, [c], region="suedwestfalen", times=2)
        survey_id = question.survey_id
    login_as(Role.ANALYST)
    shares = client.get(f"/api/surveys/{survey_id}/tables").get_json()["tables"][
        "shares"
    ]
    for group in {row["group"] for row in shares}:
        counts = [row["count"] for row in shares if row["group"] == group]
        assert None in counts
        assert 0 not in counts, (group, counts)
