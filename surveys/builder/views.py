"""Managers build surveys: settings, questions, options, topics."""

import secrets
from datetime import datetime

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.db import db
from core.forms import ConfirmForm
from core.ids import MAX_ID, form_id
from core.input_guard import ONE_LINE, has_line_break
from core.links import external_url
from core.models import Role
from core.policy import (
    acted_for_regions,
    check_acting_for,
    held,
    region_for_new_object,
    requires,
)
from core.timezone import NonexistentTime, ambiguity_note, local_to_utc
from newsletter.audience.models import Topic
from surveys.blueprint import bp
from surveys.builder.drafts import TypedQuestion, TypedSurvey, apply_typed
from surveys.builder.editing import (
    BuilderError,
    add_question,
    create_survey,
    move_question,
)
from surveys.models import Option, Question, QuestionKind, Survey

MAX_TEXT = 2000


def get_survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    check_acting_for(current_user, survey.region_id)
    return survey


def _one_line(name: str) -> str:
    """A posted one-line value (titles, questions, answers, scale ends)."""
    value = request.form.get(name, "")[:MAX_TEXT]
    if has_line_break(value):
        raise BuilderError(str(ONE_LINE))
    return value


def valid_form() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _local(name: str) -> datetime | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        local = datetime.fromisoformat(raw)
    except ValueError:
        raise BuilderError(
            _("Please enter date and time like 2027-03-01 09:00.")
        ) from None
    zone = current_app.config["TIMEZONE"]
    try:
        when = local_to_utc(local, zone)
    except NonexistentTime as error:
        raise BuilderError(str(error)) from None
    note = ambiguity_note(local, zone)
    if note:
        flash(note, "warning")
    return when


@bp.route("/surveys", methods=["GET", "POST"])
@requires("surveys")
def surveys() -> str | BaseResponse:
    if request.method == "POST":
        valid_form()
        region_id = region_for_new_object()
        try:
            survey = create_survey(db.session, _one_line("title"), region_id)
        except BuilderError as error:
            flash(str(error), "error")
            return redirect(url_for("surveys.surveys"))
        record(db.session, current_user.id, "create", "survey", survey.id)
        db.session.commit()
        return redirect(url_for("surveys.survey_edit", survey_id=survey.id))
    query = (
        select(Survey)
        .where(held(current_user, Survey.region_id))
        .order_by(Survey.created_at.desc())
    )
    return render_template(
        "surveys/list.html",
        surveys=list(db.session.scalars(query)),
        form=ConfirmForm(),
        regions=acted_for_regions(),
        # Only administrators act for more than one controller and choose.
        interregional=current_user.role == Role.ADMIN,
    )


def _typed_question(question: Question, new_options: bool) -> TypedQuestion:
    def value(name: str) -> str:
        return _one_line(f"q-{question.id}-{name}")

    typed = TypedQuestion(
        text={"de": value("text_de"), "en": value("text_en")},
        required=value("required") == "y",
        max_choices=request.form.get(f"q-{question.id}-max_choices", type=int),
        scale_labels={
            language: (value(f"low_{language}"), value(f"high_{language}"))
            for language in ("de", "en")
        }
        if f"q-{question.id}-low_de" in request.form
        else None,
    )
    if new_options and question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        typed.new_option = {"de": value("option_de"), "en": value("option_en")}
        topic = form_id(f"q-{question.id}-topic_id")
        known = topic is not None and db.session.get(Topic, topic) is not None
        typed.new_option_topic = topic if known else None
        typed.new_option_kind = value("option_kind") or None
    return typed


def _typed(survey: Survey, new_options: bool) -> TypedSurvey:
    """What the builder form carries; new answers only on a real submit (an
    autosave must not add the same answer again and again)."""
    order = [int(raw) for raw in request.form.getlist("question") if raw.isdigit()]
    problems: list[str] = []

    def when(name: str, current: datetime | None) -> datetime | None:
        try:
            return _local(name)
        except BuilderError as error:  # the rest is saved; the old time stays
            problems.append(str(error))
            return current

    typed = TypedSurvey(
        title={"de": _one_line("title_de"), "en": _one_line("title_en")},
        intro={
            "de": request.form.get("intro_de", ""),
            "en": request.form.get("intro_en", ""),
        },
        opens_at=when("opens_at", survey.opens_at),
        closes_at=when("closes_at", survey.closes_at),
        order=order,
        problems=problems,
    )
    for question in survey.questions:
        if question.id in order:
            typed.questions[question.id] = _typed_question(question, new_options)
    return typed


def _act(survey: Survey, action: str) -> str | None:
    """A button's own work after everything typed is saved; the anchor to show."""
    verb, _sep, raw = action.partition(":")
    if verb == "add_question":
        added = add_question(db.session, survey, request.form.get("new_kind", ""))
        return f"question-{added.id}"
    if not raw.isdigit() or int(raw) > MAX_ID:
        return None
    if verb == "delete_option":
        option = db.session.get(Option, int(raw))
        if option is None or option.question not in survey.questions:
            abort(404)
        option.question.options.remove(option)
        return f"question-{option.question_id}"
    question = next((q for q in survey.questions if q.id == int(raw)), None)
    if question is None:
        abort(404)
    if verb in ("up", "down"):
        move_question(survey, question, -1 if verb == "up" else 1)
    elif verb == "delete":
        survey.questions.remove(question)
        return None
    return f"question-{question.id}"


def _flash_problems(problems: list[str]) -> None:
    for problem in problems:
        flash(problem, "error")


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@requires("surveys")
def survey_edit(survey_id: int) -> str | BaseResponse:
    survey = get_survey(survey_id)
    if request.method == "POST":
        valid_form()
        try:
            problems = apply_typed(db.session, survey, _typed(survey, True))
            anchor = _act(survey, request.form.get("action", "save"))
        except BuilderError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("surveys.survey_edit", survey_id=survey.id))
        record(db.session, current_user.id, "edit", "survey", survey.id)
        db.session.commit()
        _flash_problems(problems)
        if not problems:
            flash(_("Saved."), "info")
        return redirect(
            url_for("surveys.survey_edit", survey_id=survey.id, _anchor=anchor)
        )
    return render_template(
        "surveys/edit.html",
        survey=survey,
        form=ConfirmForm(),
        topics=list(db.session.scalars(select(Topic).order_by(Topic.name))),
        public_link=external_url(
            "surveys.public_answer", survey_id=survey.id, key=survey.public_key
        ),
        timezone=current_app.config["TIMEZONE"],
    )


@bp.route("/surveys/<int:survey_id>/draft", methods=["POST"])
@requires("surveys")
def survey_autosave(survey_id: int) -> BaseResponse | tuple[BaseResponse, int]:
    """The builder's background save: JSON, never a redirect."""
    survey = get_survey(survey_id)
    valid_form()
    try:
        problems = apply_typed(db.session, survey, _typed(survey, False))
    except BuilderError as error:
        db.session.rollback()
        return jsonify(saved=False, message=str(error)), 422
    db.session.commit()
    saved = _("Saved at %(time)s.", time=format_time(format="short"))
    return jsonify(saved=True, message=" ".join([saved, *problems]))


@bp.route("/topics", methods=["GET", "POST"])
@requires("surveys")
def topics() -> str | BaseResponse:
    if request.method == "POST":
        valid_form()
        name = request.form.get("name", "").strip()
        if not name:
            flash(_("Please give the topic a name."), "error")
        else:
            slug = f"{'-'.join(name.lower().split())[:50]}-{secrets.token_hex(3)}"
            db.session.add(
                Topic(
                    slug=slug,
                    name=name,
                    name_en=request.form.get("name_en", "").strip(),
                )
            )
            db.session.commit()
            flash(_("Topic added."), "info")
        return redirect(url_for("surveys.topics"))
    return render_template(
        "surveys/topics.html",
        topics=list(db.session.scalars(select(Topic).order_by(Topic.name))),
        form=ConfirmForm(),
    )
