"""The needs report as a print-friendly page and as a PDF made on the server
(WeasyPrint): the same published numbers as the dashboard, one release."""

from pathlib import Path

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from core.db import db
from core.policy import requires
from surveys.analysis.views import visible_survey
from surveys.blueprint import bp


def _page(survey_id: int, for_pdf: bool) -> str:
    from surveys.analysis.needs_report import needs_report
    from surveys.analysis.report import build_report

    survey = visible_survey(survey_id)
    report = build_report(
        db.session,
        survey,
        {},  # the board gets the whole survey; filters stay on the dashboard
        int(current_app.config["MIN_CELL"]),
        str(get_locale() or "de")[:2],
    )
    return render_template(
        "surveys/needs_report.html",
        doc=needs_report(db.session, report),
        for_pdf=for_pdf,
    )


@bp.route("/analysis/<int:survey_id>/bericht")
@requires("analysis")
def needs_report_page(survey_id: int) -> str:
    return _page(survey_id, for_pdf=False)


@bp.route("/analysis/<int:survey_id>/bericht.pdf")
@requires("analysis")
def needs_report_pdf(survey_id: int) -> BaseResponse:
    visible_survey(survey_id)
    try:  # heavy; only the PDF needs it, and it needs the system's Pango
        from weasyprint import CSS, HTML
        from weasyprint.urls import URLFetcher
    except OSError:
        flash(
            _(
                "This server cannot make PDF files (the Pango library is missing). "
                "Please print this view or save it as PDF from the print dialogue."
            ),
            "error",
        )
        return redirect(url_for("surveys.needs_report_page", survey_id=survey_id))

    html = _page(survey_id, for_pdf=True)
    stylesheet = Path(current_app.static_folder or "", "css", "report.css")
    # No protocol allowed: no request leaves the server while a PDF is made
    # (privacy, and nothing in a survey's text can steer a fetch).
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf(
        stylesheets=[CSS(filename=str(stylesheet))]
    )
    filename = _("needs-report-%(id)s.pdf", id=survey_id)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
