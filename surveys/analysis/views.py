"""Dashboards, downloads and the JSON API for analysts: aggregates only. Free text
and the list of possible introductions are for managers (they carry names).

pandas, pyarrow and openpyxl load on the first analysis request, inside the views:
every process builds this app, and a sender must not carry them (issue #20)."""

from datetime import date
from typing import TYPE_CHECKING

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from core.db import db
from core.policy import reads_answers_of, requires, visible_region_ids
from newsletter.audience.labels import ORG_TYPE_LABELS
from newsletter.audience.models import Subscriber, Topic
from surveys.blueprint import bp
from surveys.models import Answer, Option, Survey, SurveyResponse

if TYPE_CHECKING:
    from surveys.analysis.report import Report


def visible_survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    regions = visible_region_ids(current_user)
    if survey is None or (
        regions is not None
        and survey.region_id is not None
        and survey.region_id not in regions
    ):
        abort(404)
    return survey


def answered_survey(survey_id: int) -> Survey:
    """A survey whose answers the user reads person by person; 404 for another
    controller's (a region's own survey, for the interregional manager)."""
    survey = visible_survey(survey_id)
    if not reads_answers_of(current_user, survey.region_id):
        abort(404)
    return survey


def _report(survey: Survey, filters: dict[str, str] | None = None) -> "Report":
    """The report of the view the request asks for; a view the release does not
    offer is refused with a message the analyst can read (400)."""
    from surveys.analysis.release import Refused
    from surveys.analysis.report import build_report, chosen_filters

    try:
        return build_report(
            db.session,
            survey,
            chosen_filters(request.args) if filters is None else filters,
            int(current_app.config["MIN_CELL"]),
            str(get_locale() or "de")[:2],
        )
    except Refused as refused:
        abort(400, description=str(refused))


def filter_options(report: "Report") -> dict[str, list[dict[str, str]]]:
    """Per filter, the values the analyst may choose (value and label)."""
    from surveys.analysis.report import filter_label

    return {
        attribute: [{"value": v, "label": filter_label(v)} for v in values]
        for attribute, values in report.release.layout.filters.items()
    }


@bp.route("/analysis")
@requires("analysis")
def analysis_index() -> str:
    regions = visible_region_ids(current_user)
    query = select(Survey).order_by(Survey.created_at.desc())
    if regions is not None:
        query = query.where(Survey.region_id.in_(regions) | Survey.region_id.is_(None))
    return render_template(
        "surveys/analysis_index.html", surveys=list(db.session.scalars(query))
    )


@bp.route("/analysis/<int:survey_id>")
@requires("analysis")
def dashboard(survey_id: int) -> tuple[str, int]:
    from surveys.analysis.exports import TABLE_NAMES
    from surveys.analysis.release import Refused
    from surveys.analysis.report import (
        bridge_rows,
        build_report,
        chosen_filters,
        filter_label,
        labelled_tables,
        question_charts,
        records,
    )
    from surveys.analysis.trend_charts import trend_charts

    survey = visible_survey(survey_id)
    try:
        report = build_report(
            db.session,
            survey,
            chosen_filters(request.args),
            int(current_app.config["MIN_CELL"]),
            str(get_locale() or "de")[:2],
        )
    except Refused as refused:
        flash(str(refused), "error")
        report = _report(survey, {})
        status = 400
    else:
        status = 200
    return render_template(
        "surveys/dashboard.html",
        survey=survey,
        report=report,
        tables=labelled_tables(report),
        table_names=TABLE_NAMES,
        charts=question_charts(report),
        bridge=bridge_rows(report),
        org_types=ORG_TYPE_LABELS,
        filters=report.filters,
        options=filter_options(report),
        filter_label=filter_label,
        records=records,
        campaigns=_campaigns_of(survey),
        trend_charts=trend_charts(report),
    ), status


def _campaigns_of(survey: Survey) -> list[tuple[int, str]]:
    """The campaigns through which people answered this survey."""
    from newsletter.campaigns.labels import campaign_name
    from newsletter.campaigns.models import Campaign

    ids = select(SurveyResponse.campaign_id).where(
        SurveyResponse.survey_id == survey.id
    )
    return [
        (c.id, campaign_name(c))
        for c in db.session.scalars(select(Campaign).where(Campaign.id.in_(ids)))
    ]


@bp.route("/analysis/<int:survey_id>/download.<fmt>")
@requires("analysis")
def download(survey_id: int, fmt: str) -> BaseResponse:
    from surveys.analysis.exports import (
        TABLE_NAMES,
        csv_download,
        german_excel_download,
        parquet_download,
        xlsx_download,
    )

    survey = visible_survey(survey_id)
    report = _report(survey)
    name = request.args.get("table", "shares")
    stem = f"umfrage-{survey.id}"
    if fmt == "xlsx":
        return Response(
            xlsx_download(report),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'},
        )
    if name not in TABLE_NAMES:
        abort(404)
    if fmt == "csv":
        lines = (
            german_excel_download(report, name)
            if request.args.get("sep") == "semicolon"
            else csv_download(report, name, ",")
        )
        return Response(
            stream_with_context(lines),
            mimetype="text/csv",  # Flask adds "; charset=utf-8"
            headers={
                "Content-Disposition": f'attachment; filename="{stem}-{name}.csv"'
            },
        )
    if fmt == "parquet":
        return Response(
            parquet_download(report, name),
            mimetype="application/vnd.apache.parquet",
            headers={
                "Content-Disposition": f'attachment; filename="{stem}-{name}.parquet"'
            },
        )
    abort(404)


@bp.route("/api/surveys/<int:survey_id>/tables")
@requires("analysis")
def api_tables(survey_id: int) -> BaseResponse:
    """The same tables as JSON (suppressed and withheld values are null)."""
    from surveys.analysis.report import labelled_tables, records

    report = _report(visible_survey(survey_id))
    tables = {
        name: [
            {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}
            for row in records(table)
        ]
        for name, table in labelled_tables(report).items()
    }
    return jsonify(
        {
            "survey": survey_id,
            "min_cell": report.min_cell,
            "answers_until": report.answers_until.isoformat(),
            "withheld": report.release.withheld,
            "filters": report.filters,
            "groups": report.release.layout.groups,
            "filter_options": filter_options(report),
            "unfiltered_tables": [
                "over_time",
                "response_rates",
                "waves",
                "wave_changes",
                "wave_means",
            ],
            "tables": tables,
        }
    )


@bp.route("/analysis/<int:survey_id>/free-text")
@requires("surveys")
def free_text(survey_id: int) -> str:
    """Free-text answers: managers only (they may name people or firms)."""
    survey = answered_survey(survey_id)
    rows = db.session.execute(
        select(Answer.question_id, Answer.text)
        .join(SurveyResponse, SurveyResponse.id == Answer.response_id)
        .where(SurveyResponse.survey_id == survey.id, Answer.text.is_not(None))
        .order_by(Answer.question_id)
    ).all()
    return render_template("surveys/free_text.html", survey=survey, rows=rows)


@bp.route("/analysis/<int:survey_id>/introductions")
@requires("surveys")
def introductions(survey_id: int) -> str:
    """Respondents who asked to be put in touch, by topic of their needs and offers."""
    survey = answered_survey(survey_id)
    regions = visible_region_ids(current_user)
    query = (
        select(
            Topic.name,
            Option.kind,
            Subscriber.name,
            Subscriber.organisation,
            Subscriber.email,
            Subscriber.region_id,
        )
        .select_from(Answer)
        .join(SurveyResponse, SurveyResponse.id == Answer.response_id)
        .join(Option, Option.id == Answer.option_id)
        .join(Topic, Topic.id == Option.topic_id)
        .join(Subscriber, Subscriber.id == SurveyResponse.subscriber_id)
        .where(
            SurveyResponse.survey_id == survey.id,
            SurveyResponse.contact_consent.is_(True),
            Subscriber.email.is_not(None),
            Option.kind.is_not(None),
        )
        .order_by(Topic.name, Option.kind, Subscriber.organisation)
    )
    if regions is not None:
        query = query.where(Subscriber.region_id.in_(regions))
    by_topic: dict[str, dict[str, list]] = {}
    for topic, kind, name, organisation, email, _region in db.session.execute(query):
        by_topic.setdefault(topic, {"need": [], "offer": []})[str(kind)].append(
            (name, organisation, email)
        )
    return render_template(
        "surveys/introductions.html", survey=survey, by_topic=by_topic
    )
