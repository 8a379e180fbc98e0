"""The needs report (#18 item 4): a printable page and a PDF made on the server,
in German, with the method in plain words, every question's regional comparison,
and the codebook; every number the dashboard's, from the one audited release."""

import io
import re

import pypdf

from core.db import db
from core.models import Role
from tests import factories


def a_survey(app, hydrogen_in_dortmund: int = 8) -> tuple[int, list[str]]:
    with app.app_context():
        question = factories.one_question_survey(
            db.session, labels=("KI und Daten", "Fachkräfte", "Wasserstoff")
        )
        ai, skilled, hydrogen = question.options
        for region, counts in (
            ("dortmund", (20, 12, hydrogen_in_dortmund)),
            ("suedwestfalen", (9, 21, 6)),
        ):
            for option, times in zip((ai, skilled, hydrogen), counts, strict=True):
                factories.answer(
                    db.session, question, [option], region=region, times=times
                )
        return question.survey_id, [o.label_for("de") for o in question.options]


def shown_cells(page: str) -> list[str]:
    """Every "count / n" a page's share tables show."""
    return re.findall(r"\(\d+ %–\d+ %; (\d+ ?/ ?\d+)\)", page)


def pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_print_page_says_how_and_shows_what_the_dashboard_shows(
    app, client, login_as
):
    survey_id, labels = a_survey(app)
    login_as(Role.ANALYST)

    page = client.get(f"/analysis/{survey_id}/bericht").get_data(as_text=True)

    assert "Bedarfsbericht" in page
    for words in (
        "Wie die Umfrage gemacht wurde",
        "Wie kleine Gruppen geschützt werden",
        "Wie sicher die Zahlen sind",
        "Anhang: Codebuch",
    ):
        assert words in page, words
    for label in labels:
        assert label in page
    assert "50 %" in page  # Dortmund's 20 of 40 for "KI und Daten"
    assert "20 / 40" in page
    dashboard = client.get(f"/analysis/{survey_id}").get_data(as_text=True)
    assert [c.replace(" ", "") for c in shown_cells(page)] == [
        c.replace(" ", "") for c in shown_cells(dashboard)
    ]


def test_a_small_group_is_in_no_number_of_the_report(app, client, login_as):
    survey_id, _labels = a_survey(app, hydrogen_in_dortmund=2)
    login_as(Role.ANALYST)

    page = client.get(f"/analysis/{survey_id}/bericht").get_data(as_text=True)
    dashboard = client.get(f"/analysis/{survey_id}").get_data(as_text=True)

    assert not any(c.startswith("2") and c[1] in " /" for c in shown_cells(page))
    assert [c.replace(" ", "") for c in shown_cells(page)] == [
        c.replace(" ", "") for c in shown_cells(dashboard)
    ]


def test_the_pdf_opens_and_reads_like_the_page(app, client, login_as):
    survey_id, labels = a_survey(app)
    login_as(Role.ANALYST)

    response = client.get(f"/analysis/{survey_id}/bericht.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.get_data())
    assert "Bedarfsbericht" in text
    assert "Wie kleine Gruppen geschützt werden" in text
    for label in labels:
        assert label in text
    assert "50 %" in text
    reader = pypdf.PdfReader(io.BytesIO(response.get_data()))
    assert len(reader.pages) >= 3  # title page, method, questions and codebook


def test_the_report_is_for_those_who_may_see_the_analysis(app, client, login_as):
    with app.app_context():
        survey_id = factories.one_question_survey(
            db.session, region="suedwestfalen"
        ).survey_id
    login_as(Role.MANAGER, "dortmund")
    for path in ("bericht", "bericht.pdf"):
        assert client.get(f"/analysis/{survey_id}/{path}").status_code == 404


def test_a_subscriber_without_login_gets_no_report(app, client):
    with app.app_context():
        survey_id = factories.one_question_survey(db.session).survey_id
    response = client.get(f"/analysis/{survey_id}/bericht.pdf")
    assert response.status_code in (302, 401, 403)
    assert response.mimetype != "application/pdf"


def test_the_report_shows_the_differences_between_the_regions(app, client, login_as):
    survey_id, _labels = a_survey(app)
    login_as(Role.ANALYST)

    page = client.get(f"/analysis/{survey_id}/bericht").get_data(as_text=True)

    assert "Differenz Südwestfalen − Dortmund" in page  # as on the dashboard
    assert "Pkt." in page


def demo_report_pdf(app, client, login_as) -> tuple[str, bytes]:
    """The demo survey's dashboard and its report as PDF, as an analyst gets them."""
    from sqlalchemy import select

    from surveys.models import Survey

    with app.app_context():
        [survey_id] = [
            s.id
            for s in db.session.scalars(select(Survey))
            if s.title_for("de") == "Bedarfe und Angebote 2026"
        ]
    login_as(Role.ANALYST)
    dashboard = client.get(f"/analysis/{survey_id}").get_data(as_text=True)
    response = client.get(f"/analysis/{survey_id}/bericht.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return dashboard, response.get_data()


def test_the_demo_surveys_pdf_renders_with_the_dashboards_numbers(
    demo_data, client, login_as
):
    """#18's 'done when': the report PDF renders with the demo data, and every
    share with its interval and count is the dashboard's."""
    dashboard, pdf = demo_report_pdf(demo_data, client, login_as)

    on_dashboard = [c.replace(" ", "") for c in shown_cells(dashboard)]
    in_pdf = [
        c.replace(" ", "") for c in shown_cells(re.sub(r"\s+", " ", pdf_text(pdf)))
    ]
    assert on_dashboard
    assert in_pdf == on_dashboard


def test_no_text_of_the_demo_report_runs_off_the_page(demo_data, client, login_as):
    """A4 leaves 174 mm between the margins: the tables, as wide as the print
    page's 190 mm and never wrapping a share, lost their last column (the
    difference between the regions) off the paper."""
    _dashboard, pdf = demo_report_pdf(demo_data, client, login_as)

    beyond = []
    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(pdf)).pages, 1):
        right_margin = float(page.mediabox.width) - 18 / 25.4 * 72

        def seen(text, cm, tm, _font, _size, number=number, edge=right_margin):
            # pypdf gives the charts' text (SVG forms) in the form's own units,
            # with no page matrix: only the page's own text is placed here.
            on_page = list(cm) != [1, 0, 0, 1, 0, 0]
            if on_page and text.strip() and tm[4] * cm[0] + cm[4] > edge:
                beyond.append((number, text.strip()))

        page.extract_text(visitor_text=seen)
    assert beyond == []
