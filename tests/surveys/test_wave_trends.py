"""Every question across a survey's waves, as an analyst and an agency's board read
it: per region and option the share in each wave with its 95 % interval (Wilson),
the change from the wave before with Newcombe's interval and whether it is clear;
only ever what each wave's own release publishes."""

import csv
import io
import math
from datetime import UTC, datetime

import pytest
from scipy.stats import t as student_t

from core.db import db
from core.models import Role
from surveys.analysis.release import release_of
from surveys.analysis.release_cells import ALL
from surveys.analysis.release_tables import shares as release_shares
from surveys.builder.waves import new_wave
from surveys.models import Question
from tests import factories
from tests.surveys.trend_pages import trend_rows

Z = 1.959963984540054


def wilson(count, n):
    """Wilson's score interval, written out from his 1927 formula."""
    p = count / n
    centre = p + Z * Z / (2 * n)
    spread = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return ((centre - spread) / (1 + Z * Z / n), (centre + spread) / (1 + Z * Z / n))


def waves_of_counts(app, waves, labels=("A", "B"), kind="single"):
    """A one-question survey asked once per entry of `waves`, each a mapping of
    region → counts per option. Returns the survey ids, the first first."""
    with app.app_context():
        question = factories.one_question_survey(db.session, labels=labels, kind=kind)
        ids = []
        for counts in waves:
            if ids:
                wave = new_wave(db.session, question.survey)
                db.session.commit()
                question = db.session.get(Question, wave.questions[0].id)
            for region, per_option in counts.items():
                for option, times in zip(question.options, per_option, strict=True):
                    factories.answer(
                        db.session, question, [option], region=region, times=times
                    )
            ids.append(question.survey_id)
        return ids


def api_tables(client, survey_id):
    response = client.get(f"/api/surveys/{survey_id}/tables")
    assert response.status_code == 200
    return response.get_json()["tables"]


def row(table, **match):
    [found] = [r for r in table if all(r[k] == v for k, v in match.items())]
    return found


def test_the_change_between_waves_is_newcombes_published_example(app, client, login_as):
    """Newcombe (1998), Statistics in Medicine 17, Table II, example (a): 56/70
    against 48/80 is a difference of 0.2 with the interval 0.0524 to 0.3339 (his
    method 10)."""
    _first, second = waves_of_counts(
        app, [{"dortmund": (48, 32)}, {"dortmund": (56, 14)}]
    )
    login_as(Role.ANALYST)
    tables = api_tables(client, second)

    change = row(tables["wave_changes"], option="A", group="Dortmund")
    assert change["change"] == pytest.approx(0.2)
    assert change["ci_low"] == pytest.approx(0.0524, abs=5e-5)
    assert change["ci_high"] == pytest.approx(0.3339, abs=5e-5)
    assert change["clear"] is True
    for wave, (count, n) in ((1, (48, 80)), (2, (56, 70))):
        share = row(tables["waves"], option="A", group="Dortmund", wave=wave)
        assert (share["count"], share["n"]) == (count, n)
        assert share["share"] == pytest.approx(count / n)
        assert (share["ci_low"], share["ci_high"]) == pytest.approx(wilson(count, n))

    page = client.get(f"/analysis/{second}").get_data(as_text=True)
    assert ["A", "Dortmund", "60 % (49 %–70 %; 48/80)", "80 % (69 %–88 %; 56/70)"] + [
        "+20 Pkt. (+5 … +33; deutlich)"
    ] in trend_rows(page)


def test_a_change_whose_interval_holds_zero_is_not_called_clear(app, client, login_as):
    _first, second = waves_of_counts(
        app, [{"dortmund": (10, 10)}, {"dortmund": (12, 9)}]
    )
    login_as(Role.ANALYST)
    change = row(
        api_tables(client, second)["wave_changes"], option="A", group="Dortmund"
    )
    assert change["ci_low"] < 0 < change["ci_high"]
    assert change["clear"] is False
    rows = trend_rows(client.get(f"/analysis/{second}").get_data(as_text=True))
    [a_row] = [r for r in rows if r[:2] == ["A", "Dortmund"]]
    assert "deutlich" not in a_row[-1]
    assert a_row[-1].startswith("+7 Pkt. (")


def recoverable(cells, group):
    """The count of `group` an analyst can read or work out from the published
    cells of one option in one wave: itself, its share × n, or the total minus
    every other group."""
    own = cells[group]
    if own["count"] is not None:
        return own["count"]
    if own["share"] is not None and own["n"] is not None:
        return round(own["share"] * own["n"])
    others = [c["count"] for g, c in cells.items() if g not in (group, "Gesamt")]
    total = cells["Gesamt"]["count"]
    if total is not None and None not in others:
        return total - sum(others)
    return None


def test_a_small_group_hidden_in_one_wave_cannot_be_recovered_across_waves(
    app, client, login_as
):
    """Wave 1: 4 in Dortmund chose B (too few to show, and A beside it is hidden so
    that 10 − 6 gives nothing away). Wave 2 shows Dortmund in full. Neither the
    change, nor the other wave, nor the totals, on the page, in the files or the
    API, lets an analyst work the 4 back."""
    first, second = waves_of_counts(
        app,
        [
            {"dortmund": (6, 4), "suedwestfalen": (10, 10)},
            {"dortmund": (7, 5), "suedwestfalen": (9, 11)},
        ],
    )
    login_as(Role.ANALYST)
    for survey_id in (first, second):
        tables = api_tables(client, survey_id)
        for option in ("A", "B"):
            cells = {
                r["group"]: r
                for r in tables["waves"]
                if r["option"] == option and r["wave"] == 1
            }
            assert cells["Dortmund"]["suppressed"] is True
            assert recoverable(cells, "Dortmund") is None
            change = row(tables["wave_changes"], option=option, group="Dortmund")
            assert change["suppressed"] is True
            assert change["change"] is None
        hidden_shares = {6 / 10, 4 / 10}
        hidden_changes = {7 / 12 - 6 / 10, 5 / 12 - 4 / 10}
        for name in ("waves", "wave_changes"):
            for published in tables[name]:
                for value in published.values():
                    if isinstance(value, float):
                        assert not any(
                            math.isclose(value, h)
                            for h in hidden_shares | hidden_changes
                        ), (name, published)

        page = client.get(f"/analysis/{survey_id}").get_data(as_text=True)
        rows = trend_rows(page)
        assert ["A", "Dortmund", "–", "58 % (32 %–81 %; 7/12)", "–"] in rows
        assert ["B", "Dortmund", "–", "42 % (19 %–68 %; 5/12)", "–"] in rows
        body = client.get(f"/analysis/{survey_id}/download.csv?table=waves").get_data(
            as_text=True
        )
        dortmund_first = [
            r
            for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))
            if r["group"] == "Dortmund" and r["wave"] == "1"
        ]
        assert [(r["count"], r["share"], r["suppressed"]) for r in dortmund_first] == [
            ("", "", "True"),
            ("", "", "True"),
        ]


def test_the_dashboard_shows_each_waves_release_and_the_report_the_same(
    app, client, login_as
):
    """Two choice questions and a scale, both regions, three waves: every share
    on the dashboard is the one its wave's release publishes, and the needs
    report prints the same."""
    with app.app_context():
        survey = factories.survey(db.session, region=None)
        ids = [survey.id]
        for _ in range(2):
            survey = new_wave(db.session, survey)
            db.session.commit()
            ids.append(survey.id)
        for number, survey_id in enumerate(ids):
            wave = db.session.get(type(survey), survey_id)
            wave.opens_at = datetime(2024 + number, 3, 15, 8, tzinfo=UTC)
            choice, scale = wave.questions[0], wave.questions[1]
            skilled, ai = choice.options
            for region, (s, a) in (("dortmund", (9, 12)), ("suedwestfalen", (15, 7))):
                factories.answer(db.session, choice, [skilled], region=region, times=s)
                factories.answer(
                    db.session, choice, [ai], region=region, times=a + 2 * number
                )
                for value in (2, 3, 4, 5):
                    factories.answer(
                        db.session, scale, region=region, times=5 + number, value=value
                    )
        db.session.commit()
    login_as(Role.ANALYST)
    tables = api_tables(client, ids[-1])

    with app.app_context():
        for number, survey_id in enumerate(ids, 1):
            wave = db.session.get(type(survey), survey_id)
            published = release_shares(release_of(db.session, wave, 5), ALL)
            for cell in published.itertuples():
                label = next(
                    o.label_for("de")
                    for o in wave.questions[0].options
                    if o.id == cell.option_id
                )
                group = {"total": "Gesamt"}.get(cell.group, cell.group)
                shown = row(tables["waves"], option=label, group=group, wave=number)
                assert shown["count"] == (None if cell.suppressed else cell.count)
                assert shown["n"] == (None if cell.suppressed else cell.n)

    means = [r for r in tables["wave_means"] if r["group"] == "Dortmund"]
    assert [r["n"] for r in means] == [20, 24, 28]
    n = 24  # wave 2: 6 people each gave 2, 3, 4 and 5
    sd = math.sqrt(sum(6 * (v - 3.5) ** 2 for v in (2, 3, 4, 5)) / (n - 1))
    half = student_t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert (means[1]["mean"], means[1]["mean_ci_low"], means[1]["mean_ci_high"]) == (
        pytest.approx((3.5, 3.5 - half, 3.5 + half))
    )

    dashboard = trend_rows(client.get(f"/analysis/{ids[-1]}").get_data(as_text=True))
    report = trend_rows(
        client.get(f"/analysis/{ids[-1]}/bericht").get_data(as_text=True),
        section='id="waves"',
    )
    assert dashboard == report
    assert [
        "Gruppe",
        "Welle 1 (03/2024)",
        "Welle 2 (03/2025)",
        "Welle 3 (03/2026)",
    ] in dashboard
    assert [
        "Dortmund",
        "3,50 (2,96 … 4,04; n = 20)",
        "3,50 (3,02 … 3,98; n = 24)",
        "3,50 (3,06 … 3,94; n = 28)",
    ] in dashboard


@pytest.mark.parametrize(
    ("role", "region", "status"),
    [
        (Role.MANAGER, "suedwestfalen", 404),
        (Role.MANAGER, "dortmund", 200),
        (Role.ANALYST, None, 200),
    ],
)
def test_the_wave_tables_are_for_those_who_may_see_the_analysis(
    app, client, login_as, role, region, status
):
    with app.app_context():
        question = factories.one_question_survey(db.session, region="dortmund")
        new_wave(db.session, question.survey)
        db.session.commit()
        survey_id = question.survey_id
    login_as(role, region)
    for table in ("waves", "wave_changes", "wave_means"):
        for fmt in ("csv", "parquet"):
            response = client.get(f"/analysis/{survey_id}/download.{fmt}?table={table}")
            assert response.status_code == status


def test_nobody_without_login_gets_the_wave_tables(app, client):
    with app.app_context():
        question = factories.one_question_survey(db.session)
        new_wave(db.session, question.survey)
        db.session.commit()
        survey_id = question.survey_id
    response = client.get(f"/analysis/{survey_id}/download.csv?table=waves")
    assert response.status_code in (302, 401, 403)
    assert not response.mimetype.startswith("text/csv")


def test_an_answer_that_looks_like_a_formula_stays_text_in_the_wave_table(
    app, client, login_as
):
    with app.app_context():
        question = factories.one_question_survey(
            db.session, labels=("=HYPERLINK(1)", "B")
        )
        factories.answer(db.session, question, question.options[:1], times=6)
        wave = new_wave(db.session, question.survey)
        db.session.commit()
        again = wave.questions[0]
        factories.answer(db.session, again, again.options[:1], times=6)
        survey_id = question.survey_id
    login_as(Role.ANALYST)
    body = client.get(
        f"/analysis/{survey_id}/download.csv?table=waves&sep=semicolon"
    ).get_data(as_text=True)
    assert "'=HYPERLINK(1)" in body
    assert ";=HYPERLINK" not in body


def test_the_demo_has_two_waves_with_most_cells_shown(app, client, login_as, runner):
    from sqlalchemy import select

    from surveys.models import Survey

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0  # nothing twice
    with app.app_context():
        titles = sorted(s.title_for("de") for s in db.session.scalars(select(Survey)))
        current = db.session.scalar(
            select(Survey).where(Survey.previous_wave_id.is_not(None))
        )
        earlier = db.session.get(Survey, current.previous_wave_id)
        assert not earlier.is_open()
        assert not current.is_open()
        assert 360 <= (current.opens_at - earlier.opens_at).days <= 370
        current_id = current.id
    assert titles == ["Bedarfe und Angebote 2025", "Bedarfe und Angebote 2026"]
    login_as(Role.ANALYST)
    waves = api_tables(client, current_id)["waves"]
    assert {r["wave"] for r in waves} == {1, 2}
    assert sum(r["suppressed"] for r in waves) <= len(waves) // 5


def test_the_workbook_has_the_waves_sheets_and_says_they_are_unfiltered(
    app, client, login_as
):
    from openpyxl import load_workbook

    _first, second = waves_of_counts(
        app, [{"dortmund": (48, 32)}, {"dortmund": (56, 14)}]
    )
    login_as(Role.ANALYST)
    workbook = load_workbook(
        io.BytesIO(client.get(f"/analysis/{second}/download.xlsx").get_data())
    )
    for sheet in (
        "Anteile je Welle",
        "Veränderung zwischen den Wellen",
        "Skalenmittelwerte je Welle",
    ):
        assert sheet in workbook.sheetnames
    about = dict(workbook["Über diese Datei"].iter_rows(values_only=True))
    assert "ohne Filter" in about["Wellen"]
    changes = list(
        workbook["Veränderung zwischen den Wellen"].iter_rows(values_only=True)
    )
    assert changes[1][changes[0].index("change")] == pytest.approx(0.2)


def test_a_workbook_of_a_survey_asked_once_has_no_wave_sheets(app, client, login_as):
    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    login_as(Role.ANALYST)
    workbook = load_workbook_of(client, survey_id)
    assert "Anteile je Welle" not in workbook.sheetnames
    assert "Wellen" not in dict(
        workbook["Über diese Datei"].iter_rows(values_only=True)
    )


def load_workbook_of(client, survey_id):
    from openpyxl import load_workbook

    return load_workbook(
        io.BytesIO(client.get(f"/analysis/{survey_id}/download.xlsx").get_data())
    )


def test_a_filter_leaves_the_waves_whole_and_says_so(app, client, login_as):
    with app.app_context():
        first = factories.one_question_survey(db.session, labels=("A", "B"))
        wave = new_wave(db.session, first.survey)
        db.session.commit()
        for question in (first, db.session.get(Question, wave.questions[0].id)):
            a, b = question.options
            factories.answer(db.session, question, [a], times=10, org_type="company")
            factories.answer(db.session, question, [b], times=8, org_type="startup")
        survey_id = wave.id
    login_as(Role.ANALYST)
    whole = client.get(f"/analysis/{survey_id}").get_data(as_text=True)
    filtered = client.get(f"/analysis/{survey_id}?org_type=company")
    assert filtered.status_code == 200
    page = filtered.get_data(as_text=True)
    assert "Der Filter oben gilt hier nicht" in page
    assert "Der Filter oben gilt hier nicht" not in whole
    assert trend_rows(page) == trend_rows(whole)


def test_the_totals_of_waves_that_count_other_groups_are_not_compared(
    app, client, login_as
):
    # Wave 2 has too few Dortmund answers for Dortmund to count: its total is
    # Südwestfalen alone, which is no change of wave 1's total of both regions.
    _first, second = waves_of_counts(
        app,
        [
            {"dortmund": (9, 6), "suedwestfalen": (7, 8)},
            {"dortmund": (2, 1), "suedwestfalen": (8, 7)},
        ],
    )
    login_as(Role.ANALYST)
    tables = api_tables(client, second)
    changes = [r for r in tables["wave_changes"] if r["group"] == "Gesamt"]
    assert changes
    assert all(r["change"] is None for r in changes)
    regional = [r for r in tables["wave_changes"] if r["group"] != "Gesamt"]
    assert any(r["change"] is not None for r in regional)
