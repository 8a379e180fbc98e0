"""When every group of a survey is under MIN_CELL, nobody is counted (groups under
5 are left out of every number): each place that shows a count says it is
withheld — the page in the dashboard's own words, the API and every download
with an empty value and a reason — never a 0 as if nobody had answered. The
reason tells nothing the page did not already say: a survey nobody answered
reads exactly the same."""

import csv
import io
import re

import pyarrow.parquet as pq
from openpyxl import load_workbook

from core.db import db
from core.models import Role
from tests import factories

WITHHELD = "noch niemand gezählt (Gruppen unter 5 werden nicht mitgezählt)"
REASON = "groups_under_min_cell"


def a_survey_of_small_groups(app) -> int:
    """Three answers from Dortmund through an issue, two from Südwestfalen."""
    with app.app_context():
        question = factories.one_question_survey(db.session)
        first, second = question.options[:2]
        issue = factories.campaign(db.session, region="dortmund")
        for response in factories.answer(
            db.session, question, [first], region="dortmund", times=3
        ):
            response.campaign_id = issue.id
        factories.answer(
            db.session, question, [second], region="suedwestfalen", times=2
        )
        db.session.commit()
        return question.survey_id


def a_survey_nobody_answered(app) -> int:
    with app.app_context():
        return factories.one_question_survey(db.session).survey_id


def row_text(page: str, label: str) -> str:
    """The text of the first table row headed by the label, tags stripped."""
    row = re.search(rf'<tr><th scope="row">{label}</th>(.*?)</tr>', page, re.S)
    assert row, label
    return " ".join(re.sub(r"<[^>]+>", " ", row.group(1)).split())


def test_the_dashboards_table_says_the_count_is_withheld(app, client, login_as):
    survey_id = a_survey_of_small_groups(app)
    login_as(Role.ANALYST)
    page = client.get(f"/analysis/{survey_id}").get_data(as_text=True)
    assert row_text(page, "A") == WITHHELD
    assert "0 (n nicht gezeigt)" not in page
    # Nor does any other part of the page say that nobody answered.
    assert "Noch keine Antworten" not in page
    over_time, rates = page.split("Antworten im Zeitverlauf")[1].split("Rücklauf je")
    assert (
        "Noch niemand gezählt (Gruppen unter 5 werden nicht mitgezählt)." in over_time
    )
    assert "Märzausgabe" in rates
    assert WITHHELD in rates


def test_the_api_gives_null_and_the_reason(app, client, login_as):
    survey_id = a_survey_of_small_groups(app)
    login_as(Role.ANALYST)
    api = client.get(f"/api/surveys/{survey_id}/tables").get_json()
    assert api["withheld"] == REASON
    for row in api["tables"]["shares"]:
        assert (row["n"], row["count"], row["share"]) == (None, None, None)
        assert row["withheld"] == REASON
    (issue,) = api["tables"]["response_rates"]
    assert issue["answered"] is None
    assert issue["response_rate"] is None
    assert issue["withheld"] == REASON


def test_every_download_leaves_the_count_empty_and_says_why(app, client, login_as):
    survey_id = a_survey_of_small_groups(app)
    login_as(Role.ANALYST)
    base = f"/analysis/{survey_id}/download"
    for table in ("shares", "response_rates"):
        rows = list(
            csv.DictReader(
                io.StringIO(
                    client.get(f"{base}.csv?table={table}")
                    .get_data(as_text=True)
                    .lstrip("\ufeff")
                )
            )
        )
        assert rows, table
        for row in rows:
            assert row["withheld"] == REASON, table
            assert "0" not in (row.get("n"), row.get("count"), row.get("answered"))
        german = client.get(f"{base}.csv?table={table}&sep=semicolon")
        assert WITHHELD in german.get_data(as_text=True), table
        frame = pq.read_table(
            io.BytesIO(client.get(f"{base}.parquet?table={table}").get_data())
        ).to_pandas()
        assert set(frame["withheld"]) == {REASON}, table
        counts = [c for c in ("n", "count", "answered") if c in frame.columns]
        assert frame[counts].isna().all().all(), table
    workbook = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").get_data()))
    sheet = workbook["Anteile je Antwort"]
    header, *rows = sheet.iter_rows(values_only=True)
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        assert (cells["n"], cells["count"]) == (None, None)
        assert cells["withheld"] == REASON


def test_the_reason_tells_nothing_about_whether_anyone_answered(app, client, login_as):
    small = a_survey_of_small_groups(app)
    nobody = a_survey_nobody_answered(app)
    login_as(Role.ANALYST)

    def shares(survey_id):
        api = client.get(f"/api/surveys/{survey_id}/tables").get_json()
        ignored = ("question_id", "option_id")
        return api["withheld"], [
            {k: v for k, v in row.items() if k not in ignored}
            for row in api["tables"]["shares"]
        ]

    assert shares(small) == shares(nobody)
    for survey_id in (small, nobody):
        page = client.get(f"/analysis/{survey_id}").get_data(as_text=True)
        assert row_text(page, "A") == WITHHELD


def test_a_survey_with_a_counted_group_withholds_nothing(app, client, login_as):
    with app.app_context():
        question = factories.one_question_survey(db.session)
        factories.answer(db.session, question, question.options[:1], times=6)
        survey_id = question.survey_id
    login_as(Role.ANALYST)
    api = client.get(f"/api/surveys/{survey_id}/tables").get_json()
    assert api["withheld"] is None
    assert {row["withheld"] for row in api["tables"]["shares"]} == {None}


def test_the_needs_report_says_the_count_is_withheld(app, client, login_as):
    survey_id = a_survey_of_small_groups(app)
    login_as(Role.ANALYST)
    page = client.get(f"/analysis/{survey_id}/bericht").get_data(as_text=True)
    assert row_text(page, "A") == WITHHELD
    assert "Noch keine Antworten" not in page
    assert "Noch niemand gezählt (Gruppen unter 5 werden nicht mitgezählt)." in page
    assert WITHHELD in page.split("Wer gefragt wurde")[1].split("Wann")[0]


def test_a_counted_group_with_nobody_in_the_view_says_nobody_not_withheld(
    app, client, login_as
):
    """Südwestfalen is counted, but none of its respondents is a company: in the
    companies' view its n is a published 0, not a withheld figure."""
    with app.app_context():
        question = factories.one_question_survey(db.session)
        first, second = question.options[:2]
        factories.answer(
            db.session,
            question,
            [first],
            region="dortmund",
            times=6,
            org_type="company",
        )
        factories.answer(
            db.session,
            question,
            [second],
            region="suedwestfalen",
            times=6,
            org_type="startup",
        )
        survey_id = question.survey_id
    login_as(Role.ANALYST)
    page = client.get(f"/analysis/{survey_id}?org_type=company").get_data(as_text=True)
    assert "Südwestfalen: niemand in dieser Gruppe (n = 0)" in page  # the chart
    # The table: Südwestfalen's nobody, Dortmund's and the total's shares as always.
    row = row_text(page, "A")
    assert row.startswith("niemand in dieser Gruppe (n = 0) 100 % (61 %–100 %; 6/6)")
    assert "0 (n nicht gezeigt)" not in page
    assert WITHHELD not in page


def test_the_results_block_of_a_mail_says_nobody_is_counted_yet(app):
    """A survey whose every group is under 5: the block in the mail says so, in
    both parts, instead of answers without bars."""
    from newsletter.campaigns.rendering import compile_campaign

    with app.app_context():
        question = factories.one_question_survey(db.session)
        factories.answer(
            db.session, question, [question.options[0]], region="dortmund", times=3
        )
        block = {"id": "r", "type": "survey_results", "survey": str(question.survey_id)}
        campaign = factories.campaign(db.session, blocks=[{**block, "heading": ""}])
        compiled = compile_campaign(campaign, "de")
    said = "noch niemand gezählt (Gruppen unter 5 werden nicht mitgezählt)"
    assert said in compiled.text
    assert said in compiled.html
