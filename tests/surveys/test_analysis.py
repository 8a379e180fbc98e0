"""Honest numbers: denominators are respondents, small groups are suppressed and
cannot be worked back from totals, complements or filters."""

import io

import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from core.db import db
from core.models import Role
from surveys.analysis.release_cells import TOTAL
from surveys.analysis.report import build_report
from surveys.models import Survey
from tests import factories

MIN = 5


def report(session, survey_id, filters=None):
    return build_report(
        session, session.get(Survey, survey_id), filters or {}, MIN, "de"
    )


def shares(session, survey_id, filters=None):
    """The share table of the survey's release, indexed by option id and group."""
    return report(session, survey_id, filters).shares.set_index(["option_id", "group"])


def test_multiple_choice_shares_divide_by_respondents_not_ticks(db):
    question = factories.one_question_survey(db, kind="multiple")
    survey_id, (a, b, c) = question.survey_id, question.options
    factories.answer(db, question, [a, b], region="dortmund", times=10)
    factories.answer(db, question, [a], region="dortmund", times=10)
    factories.answer(db, question, [c], region="dortmund", times=10)
    table = shares(db, survey_id)
    assert table.loc[(a.id, "Dortmund"), "n"] == 30
    assert table.loc[(a.id, "Dortmund"), "share"] == 20 / 30  # not 20 of 40 ticks
    assert table.loc[(b.id, "Dortmund"), "share"] == 10 / 30


def test_a_small_cell_and_everything_that_reveals_it_is_suppressed(db):
    question = factories.one_question_survey(db)
    survey_id, (a, b, c) = question.survey_id, question.options
    factories.answer(db, question, [a], region="dortmund", times=3)  # the small group
    factories.answer(db, question, [b], region="dortmund", times=20)
    factories.answer(db, question, [c], region="dortmund", times=12)
    factories.answer(db, question, [a], region="suedwestfalen", times=30)
    factories.answer(db, question, [b], region="suedwestfalen", times=30)
    table = shares(db, survey_id)
    hidden = table.loc[(a.id, "Dortmund")]
    assert hidden["suppressed"]
    assert pd.isna(hidden["count"])
    # The total minus Südwestfalen would give Dortmund's 3: one of them is hidden too.
    row = [table.loc[(a.id, g), "suppressed"] for g in ("Südwestfalen", TOTAL)]
    assert any(row)
    # n minus the other Dortmund cells would give 3: one more Dortmund cell is hidden.
    visible = [o for o in (b, c) if not table.loc[(o.id, "Dortmund"), "suppressed"]]
    assert len(visible) <= 1


def test_a_filter_cannot_be_subtracted_from_the_unfiltered_table(db):
    question = factories.one_question_survey(db)
    survey_id, (a, b, _c) = question.survey_id, question.options
    factories.answer(db, question, [a], region="dortmund", times=20, org_type="company")
    factories.answer(db, question, [a], region="dortmund", times=2, org_type="startup")
    factories.answer(db, question, [b], region="dortmund", times=20, org_type="company")
    unfiltered = shares(db, survey_id)
    assert unfiltered.loc[(a.id, "Dortmund"), "count"] == 22
    companies = shares(db, survey_id, {"org_type": "company"})
    # 22 − 20 would reveal the two start-ups: the filtered cell is suppressed.
    assert companies.loc[(a.id, "Dortmund"), "suppressed"]
    assert pd.isna(companies.loc[(a.id, "Dortmund"), "count"])


def test_groups_below_the_minimum_are_in_no_number(db):
    question = factories.one_question_survey(db)
    survey_id, (a, _b, _c) = question.survey_id, question.options
    factories.answer(db, question, [a], region="dortmund", times=4)
    factories.answer(db, question, [a], region="suedwestfalen", times=9)
    made = report(db, survey_id)
    assert "Dortmund" not in set(made.shares["group"])
    assert made.shares.set_index(["option_id", "group"]).loc[(a.id, TOTAL), "n"] == 9


def test_analyst_gets_403_on_free_text_and_subscriber_data(app, client, login_as):
    with app.app_context():
        survey_id = factories.one_question_survey(db.session).survey_id
    login_as(Role.ANALYST)
    assert client.get(f"/analysis/{survey_id}").status_code == 200
    for path in (
        f"/analysis/{survey_id}/free-text",
        f"/analysis/{survey_id}/introductions",
        "/subscribers",
        "/subscribers/export.csv",
    ):
        assert client.get(path).status_code == 403, path


def test_downloads_are_safe_and_say_what_they_contain(app, client, login_as):
    with app.app_context():
        question = factories.one_question_survey(
            db.session, labels=('=HYPERLINK("http://evil.example","x")', "@SUM(A1)")
        )
        a, b = question.options
        factories.answer(db.session, question, [a], region="dortmund", times=10)
        factories.answer(db.session, question, [b], region="suedwestfalen", times=10)
        survey_id = question.survey_id
    login_as(Role.ANALYST)
    workbook = load_workbook(
        io.BytesIO(client.get(f"/analysis/{survey_id}/download.xlsx").get_data())
    )
    assert "Über diese Datei" in workbook.sheetnames
    about = {
        row[0]: row[1]
        for row in workbook["Über diese Datei"].iter_rows(values_only=True)
    }
    assert "5" in about["Unterdrückung"]
    values = [
        c for ws in workbook for row in ws.iter_rows(values_only=True) for c in row
    ]
    assert not any(
        isinstance(v, str) and v.startswith(("=", "@", "+", "-")) for v in values
    )
    assert '\'=HYPERLINK("http://evil.example","x")' in values
    csv_body = client.get(
        f"/analysis/{survey_id}/download.csv?table=shares&sep=semicolon"
    )
    assert csv_body.get_data().startswith(b"\xef\xbb\xbf")
    assert "'@SUM(A1)" in csv_body.get_data(as_text=True)
    parquet = pq.read_table(
        io.BytesIO(
            client.get(
                f"/analysis/{survey_id}/download.parquet?table=shares"
            ).get_data()
        )
    )
    frame = parquet.to_pandas()
    assert set(frame["suppressed"]) <= {True, False}
    api = client.get(f"/api/surveys/{survey_id}/tables").get_json()
    assert api["min_cell"] == 5
    assert isinstance(pd.DataFrame(api["tables"]["shares"]), pd.DataFrame)


def test_a_scale_point_chosen_by_few_is_suppressed(db):
    question = factories.one_question_survey(db, kind="likert")
    for value, times in ((1, 2), (4, 20), (5, 20)):
        factories.answer(db, question, value=value, region=None, times=times)
    table = report(db, question.survey_id).scales
    total = table[table["group"] == TOTAL].iloc[0]
    assert pd.isna(total["share_1"])  # two people
    assert pd.isna(total["mean"])  # it would give them away with n and the rest


def test_german_excel_csv_has_decimal_commas_whole_counts_and_ja_nein(
    app, client, login_as
):
    with app.app_context():
        question = factories.one_question_survey(db.session)
        a, b, _c = question.options
        factories.answer(db.session, question, [a], region="dortmund", times=7)
        factories.answer(db.session, question, [b], region="dortmund", times=9)
        survey_id = question.survey_id
    login_as(Role.ANALYST)
    body = client.get(f"/analysis/{survey_id}/download.csv?table=shares&sep=semicolon")
    assert body.headers["Content-Type"] == "text/csv; charset=utf-8"  # said once
    text = body.get_data(as_text=True).lstrip("\ufeff")
    # As German Excel reads it: semicolons, decimal commas.
    frame = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert "Frage" in frame.columns
    shares = frame.iloc[:, 7]
    assert shares.iloc[0] == pytest.approx(7 / 16)
    assert "7" in text.split("\r\n")[1].split(";")
    assert "7.0" not in text
    suppressed = next(c for c in frame.columns if c.startswith("Unterdrückt"))
    assert set(frame[suppressed]) <= {"ja", "nein"}


def test_counts_are_whole_numbers_in_every_format_and_p_keeps_its_precision(
    app, client, login_as
):
    with app.app_context():
        question = factories.one_question_survey(db.session)
        a, b, _c = question.options
        factories.answer(db.session, question, [a], region="dortmund", times=60)
        factories.answer(db.session, question, [b], region="dortmund", times=10)
        factories.answer(db.session, question, [a], region="suedwestfalen", times=10)
        factories.answer(db.session, question, [b], region="suedwestfalen", times=60)
        survey_id = question.survey_id
    login_as(Role.ANALYST)
    parquet = pq.read_table(
        io.BytesIO(
            client.get(f"/analysis/{survey_id}/download.parquet?table=shares").data
        )
    ).to_pandas()
    assert str(parquet["count"].dtype) == "Int64"
    api = client.get(f"/api/surveys/{survey_id}/tables").get_json()["tables"]
    differences = api["differences"]
    assert len(differences) == 3  # one per option, not options × options
    smallest = min(d["p"] for d in differences if d["p"] is not None)
    assert 0 < smallest < 1e-10


def test_the_campaign_filter_works_when_some_answers_came_without_one(
    app, client, login_as
):
    with app.app_context():
        question = factories.one_question_survey(db.session)
        a, _b, _c = question.options
        campaign = factories.campaign(db.session)
        made = factories.answer(db.session, question, [a], region="dortmund", times=8)
        for response in made:
            response.campaign_id = campaign.id
        factories.answer(db.session, question, [a], region="dortmund", times=6)
        db.session.commit()
        survey_id, campaign_id = question.survey_id, campaign.id
    login_as(Role.ANALYST)
    api = client.get(f"/api/surveys/{survey_id}/tables?campaign_id={campaign_id}")
    shares = api.get_json()["tables"]["shares"]
    assert {r["n"] for r in shares if r["group"] == "Gesamt"} == {8}


def test_scales_show_mean_and_nps_with_intervals_and_every_point(
    db, app, client, login_as
):
    from surveys.builder.editing import add_question, update_question

    likert = factories.one_question_survey(db, kind="likert")
    survey = db.get(Survey, likert.survey_id)
    nps = add_question(db, survey, "nps")
    update_question(nps, {"de": "Empfehlen?"}, False, None)
    db.commit()
    for value, times in ((2, 5), (4, 6)):
        factories.answer(db, likert, value=value, times=times)
    for value, times in ((10, 6), (8, 5), (3, 5)):
        factories.answer(db, nps, value=value, times=times)

    scales = report(db, likert.survey_id).scales.set_index(["question_id", "group"])
    row = scales.loc[(nps.id, "Dortmund")]
    assert (row["count_10"], row["count_3"], row["count_0"]) == (6, 5, 0)
    assert row["nps"] == pytest.approx(100 * (6 - 5) / 16)
    assert row["nps_ci_low"] < row["nps"] < row["nps_ci_high"]
    mean = scales.loc[(likert.id, "Dortmund")]
    assert mean["mean_ci_low"] < mean["mean"] < mean["mean_ci_high"]

    login_as(Role.ANALYST)
    page = client.get(f"/analysis/{likert.survey_id}").get_data(as_text=True)
    assert "Wie sich die Antworten verteilen" in page
    assert '3,09 <span class="hint">(' in page  # German decimals, with interval


def test_a_filter_value_one_region_never_gave_shows_its_page(app, client, login_as):
    """Six start-ups answered in Südwestfalen, none in Dortmund: no difference can
    be computed, and the page says so instead of failing."""
    with app.app_context():
        question = factories.one_question_survey(db.session)
        first, second = question.options[:2]
        for region, org_type, times in (
            ("suedwestfalen", "startup", 6),
            ("suedwestfalen", "company", 9),
            ("dortmund", "company", 12),
        ):
            factories.answer(
                db.session,
                question,
                [first if times % 2 else second],
                region=region,
                times=times,
                org_type=org_type,
            )
        survey_id = question.survey_id
    login_as(Role.ANALYST)
    for path in ("", "/bericht"):
        response = client.get(f"/analysis/{survey_id}{path}?org_type=startup")
        assert response.status_code == 200, path


def test_german_excel_csv_keeps_negative_numbers_as_numbers(app, client, login_as):
    """The formula guard defuses text, not a difference of -0,25."""
    with app.app_context():
        question = factories.one_question_survey(db.session)
        a, b, _c = question.options
        factories.answer(db.session, question, [a], region="dortmund", times=5)
        factories.answer(db.session, question, [b], region="dortmund", times=15)
        factories.answer(db.session, question, [a], region="suedwestfalen", times=15)
        factories.answer(db.session, question, [b], region="suedwestfalen", times=5)
        survey_id = question.survey_id
    login_as(Role.ANALYST)
    text = client.get(
        f"/analysis/{survey_id}/download.csv?table=differences&sep=semicolon"
    ).get_data(as_text=True)
    frame = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), sep=";", decimal=",")
    differences = frame.iloc[:, 2]
    assert differences.dtype.kind == "f", text
    assert differences.min() < 0


def test_a_total_hidden_to_protect_a_group_is_not_called_too_small(db, app):
    """When the number of all respondents is hidden (a small group could be worked
    out from it), the file's about sheet says so: it is not "fewer than the
    minimum"."""
    from dataclasses import replace

    from surveys.analysis.exports import about_rows

    question = factories.one_question_survey(db)
    factories.answer(db, question, [question.options[0]], region="dortmund", times=9)
    hidden_total = replace(
        report(db, question.survey_id), respondents=0, total_hidden=True
    )
    with app.test_request_context():
        about = {row[0]: row[1] for row in about_rows(hidden_total)}
    assert about["Befragte"] == (
        "nicht gezeigt: Aus der Zahl ließe sich eine kleine Gruppe errechnen"
    )


def test_a_filtered_dashboard_says_which_parts_count_everyone(app, client, login_as):
    with app.app_context():
        question = factories.one_question_survey(db.session)
        for org_type in ("company", "university"):
            factories.answer(
                db.session, question, [question.options[0]], times=6, org_type=org_type
            )
        survey_id = question.survey_id
    login_as(Role.ANALYST)
    page = client.get(f"/analysis/{survey_id}?org_type=company")
    assert page.status_code == 200
    said = "Der Filter oben gilt hier nicht: Gezählt werden alle Befragten."
    assert page.get_data(as_text=True).count(said) == 2
    assert said not in client.get(f"/analysis/{survey_id}").get_data(as_text=True)


def test_a_report_is_dated_when_it_is_made_not_when_the_answers_changed(db):
    """The time of a report must not tell when the last answer came in: while every
    group is under 5, it would be the only sign that someone answered."""
    from core.db import utcnow

    question = factories.one_question_survey(db)
    factories.answer(db, question, [question.options[0]], times=3)
    report(db, question.survey_id)  # the release is made (and kept) here
    asked_at = utcnow()
    assert report(db, question.survey_id).generated_at >= asked_at
