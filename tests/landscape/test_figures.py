"""Item 5 of #19: introductions proposed, accepted and fruitful per topic and
direction and per quarter, for analysts too: counts only, never who, and no group
under MIN_CELL, not even by subtraction."""

from datetime import timedelta

from core.db import db, utcnow
from core.models import Role
from landscape.figures import MEASURES, introduction_figures
from landscape.models import Decision, Introduction
from tests import factories
from tests.landscape.people import topic_id


def introductions(
    app,
    seeker_region: str,
    provider_region: str,
    topic: str,
    proposed: int,
    accepted: int,
    fruitful: int,
    weeks_ago: int = 1,
):
    """`proposed` introductions between fresh people of the two regions."""
    with app.app_context():
        seeker_region_id = factories.find_region(db.session, seeker_region).id
        provider_region_id = factories.find_region(db.session, provider_region).id
        people = factories.audience(
            db.session, 2 * proposed, prefix=f"{topic}{weeks_ago}{seeker_region}"
        )
        for n in range(proposed):
            yes = n < accepted
            db.session.add(
                Introduction(
                    topic_id=topic_id(topic),
                    seeker_id=people[2 * n],
                    provider_id=people[2 * n + 1],
                    seeker_region_id=seeker_region_id,
                    provider_region_id=provider_region_id,
                    proposed_at=utcnow() - timedelta(weeks=weeks_ago),
                    seeker_answer=Decision.ACCEPTED,
                    provider_answer=Decision.ACCEPTED if yes else Decision.DECLINED,
                    exchanged_at=utcnow() if yes else None,
                    seeker_fruitful=True if n < fruitful else None,
                )
            )
        db.session.commit()


def cells(app, table: str) -> dict:
    with app.app_context():
        rows = introduction_figures(db.session, 5)[table].rows
        return {
            (row.key, row.direction): tuple(row.shown(m) for m in MEASURES)
            for row in rows
        }


def test_large_groups_are_shown_with_their_direction(app):
    introductions(app, "suedwestfalen", "dortmund", "ki-daten", 20, 10, 5)

    [(key, direction)] = cells(app, "by_topic")
    assert key == "KI und Daten"
    assert cells(app, "by_topic")[(key, direction)] == (20, 10, 5)


def test_small_groups_and_small_differences_are_hidden(app):
    introductions(app, "suedwestfalen", "dortmund", "ki-daten", 12, 10, 0)
    introductions(app, "dortmund", "suedwestfalen", "fachkraefte", 3, 3, 3)

    shown = cells(app, "by_topic")
    ai = next(v for (k, _), v in shown.items() if k == "KI und Daten")
    # 10 of 12 accepted would tell that 2 declined; and a 0 beside the hidden
    # accepted would tell what came of the small group behind it.
    assert ai == (12, None, None)
    # A row of dashes would still say that a small group exists: not even named.
    assert not any(k == "Fachkräfte" for (k, _) in shown)


def test_a_hidden_cell_cannot_be_worked_back_from_the_other_table(app):
    # Two topics in the same direction and quarter: the quarter shows 14, so
    # hiding only the 2 of "Fachkräfte" would give it away as 14 - 12.
    introductions(app, "suedwestfalen", "dortmund", "ki-daten", 12, 0, 0)
    introductions(app, "suedwestfalen", "dortmund", "fachkraefte", 2, 0, 0)

    assert cells(app, "by_topic") == {}
    [quarter] = cells(app, "by_quarter").values()
    assert quarter[0] == 14


def test_analysts_see_figures_and_no_names(app, client, login_as):
    introductions(app, "suedwestfalen", "dortmund", "ki-daten", 6, 6, 5)
    login_as(Role.ANALYST)

    page = client.get("/analysis/kompetenzlandschaft").get_data(as_text=True)

    assert "Südwestfalen → Dortmund" in page
    assert "KI und Daten" in page
    assert "@example.org" not in page
    assert "Person" not in page
    assert client.get("/kompetenzlandschaft/profile").status_code == 403


def test_the_page_says_that_small_groups_are_left_out(app, client, login_as):
    introductions(app, "suedwestfalen", "dortmund", "ki-daten", 12, 0, 0)
    introductions(app, "suedwestfalen", "dortmund", "fachkraefte", 2, 0, 0)
    login_as(Role.ANALYST)

    page = client.get("/analysis/kompetenzlandschaft").get_data(as_text=True)

    assert "Fachkräfte" not in page
    assert "Weitere Gruppen mit wenigen Vorstellungen sind nicht aufgeführt" in page


def test_the_needs_report_carries_the_figures(app, client, login_as):
    introductions(app, "suedwestfalen", "dortmund", "ki-daten", 12, 6, 5)
    with app.app_context():
        survey_id = factories.one_question_survey(db.session).survey_id
    login_as(Role.ANALYST)

    page = client.get(f"/analysis/{survey_id}/bericht").get_data(as_text=True)

    assert "Vorstellungen in Zahlen" in page
    assert "Südwestfalen → Dortmund" in page
    assert "KI und Daten" in page
