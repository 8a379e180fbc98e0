"""Answer pages. A GET shows the survey with the clicked answer preselected and a
"Senden" button (mail scanners open links; they must never answer for anyone); only
the POST from that page saves."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as BaseResponse

from core.db import db
from core.extensions import limiter
from core.forms import ConfirmForm
from core.models import Region
from core.policy import public
from newsletter.labels import ORG_TYPE_LABELS
from newsletter.tokens import LinkError
from surveys import bp
from surveys.answering import (
    AnswerError,
    current_values,
    log_click,
    parse_answers,
    read_answer_token,
    response_of,
    save_answers,
    subscriber_response,
)
from surveys.models import Question, Response, Survey


def _language() -> str:
    return str(get_locale() or "de")[:2]


def _survey(survey_id: int) -> Survey:
    # Questions and options in two queries up front, not one lazy load per question.
    survey = db.session.get(
        Survey,
        survey_id,
        options=[selectinload(Survey.questions).selectinload(Question.options)],
    )
    if survey is None:
        abort(404)
    return survey


def _link_error(error: LinkError) -> tuple[str, int]:
    return render_template("newsletter/link_error.html", expired=error.expired), 400


def typed_form_values(questions: list) -> dict[int, object]:
    """What was typed, to show it again next to the problems (nothing is lost)."""
    values: dict[int, object] = {}
    for question in questions:
        raw = request.form.getlist(f"q{question.id}")
        if question.kind in ("single", "multiple"):
            values[question.id] = [int(v) for v in raw if v.isdigit()]
        elif question.kind == "text":
            values[question.id] = raw[0] if raw else ""
        elif raw and raw[0].isdigit():
            values[question.id] = int(raw[0])
    return values


def _preselection(survey: Survey) -> dict[int, object]:
    """What the clicked button in the mail chose (?o=option or ?v=value)."""
    if not survey.questions:
        return {}
    first = survey.questions[0]
    option = request.args.get("o", type=int)
    value = request.args.get("v", type=int)
    if option is not None and option in {o.id for o in first.options}:
        return {first.id: [option]}
    if value is not None and value in first.scale():
        return {first.id: value}
    return {}


@bp.route("/umfrage/<int:survey_id>/<token>", methods=["GET", "POST"])
@public
def answer(survey_id: int, token: str) -> str | tuple[str, int] | BaseResponse:
    survey = _survey(survey_id)
    try:
        invitation = read_answer_token(token, survey.id)
    except LinkError as error:
        return _link_error(error)
    response = response_of(db.session, survey, invitation.subscriber_id)
    if not survey.is_open():
        return render_template(
            "surveys/closed.html",
            survey=survey,
            values=current_values(response),
            language=_language(),
        )
    step = request.values.get("step", "first")
    questions = survey.questions[:1] if step == "first" else survey.questions[1:]
    form = ConfirmForm()
    problems: dict[int, str] = {}
    values: dict = {}
    if request.method == "POST" and form.validate_on_submit():
        try:
            answers = parse_answers(questions, request.form)
            response = subscriber_response(db.session, survey, invitation, response)
            save_answers(db.session, survey, response, questions, answers)
            if step != "first":
                response.contact_consent = request.form.get("contact") == "yes"
            db.session.commit()
        except LinkError as error:
            return _link_error(error)
        except AnswerError as error:
            db.session.rollback()
            problems = error.problems
            values = {**current_values(response), **typed_form_values(questions)}
        else:
            if step == "first" and len(survey.questions) > 1:
                return redirect(
                    url_for(
                        "surveys.answer", survey_id=survey.id, token=token, step="rest"
                    )
                )
            return redirect(url_for("surveys.thanks", survey_id=survey.id))
    values = current_values(response) if not problems else values
    if request.method == "GET" and step == "first":
        preselected = _preselection(survey)
        if preselected and request.method == "GET":
            log_click(
                db.session,
                survey,
                request.args.get("o", type=int),
                invitation.campaign_id,
            )
            db.session.commit()
        values = {**values, **preselected}
    return render_template(
        "surveys/answer.html",
        survey=survey,
        questions=questions,
        values=values,
        problems=problems,
        form=form,
        step=step,
        language=_language(),
        answered_before=response is not None,
    )


@bp.route("/umfrage/<int:survey_id>/danke")
@public
def thanks(survey_id: int) -> str:
    return render_template(
        "surveys/thanks.html", survey=_survey(survey_id), language=_language()
    )


def _public_limit() -> str:
    return current_app.config["PUBLIC_SURVEY_RATE_LIMIT"]


@bp.route("/umfrage/<int:survey_id>/offen/<key>", methods=["GET", "POST"])
@public
@limiter.limit(_public_limit, methods=["POST"])
def public_answer(survey_id: int, key: str) -> str | tuple[str, int] | BaseResponse:
    """For people who are not subscribed: anonymous, asks region and organisation."""
    survey = _survey(survey_id)
    if key != survey.public_key:
        abort(404)
    if not survey.is_open():
        return render_template(
            "surveys/closed.html", survey=survey, values={}, language=_language()
        )
    regions = list(db.session.scalars(select(Region).order_by(Region.name)))
    form = ConfirmForm()
    problems: dict[int, str] = {}
    values: dict = {}
    if request.method == "POST" and form.validate_on_submit():
        if request.form.get("website"):  # honeypot: bots fill every field
            return redirect(url_for("surveys.thanks", survey_id=survey.id))
        try:
            answers = parse_answers(survey.questions, request.form)
        except AnswerError as error:
            problems = error.problems
            values = typed_form_values(survey.questions)
        else:
            region_id = request.form.get("region_id", type=int)
            org_type = request.form.get("org_type") or None
            response = Response(
                survey_id=survey.id,
                source="public",
                region_id=region_id if region_id in {r.id for r in regions} else None,
                org_type=org_type if org_type in ORG_TYPE_LABELS else None,
            )
            db.session.add(response)
            save_answers(db.session, survey, response, survey.questions, answers)
            db.session.commit()
            return redirect(url_for("surveys.thanks", survey_id=survey.id))
    return render_template(
        "surveys/answer.html",
        survey=survey,
        questions=survey.questions,
        values=values,
        problems=problems,
        form=form,
        step="public",
        language=_language(),
        regions=regions,
        org_types=ORG_TYPE_LABELS,
        answered_before=False,
    )
