"""Managers build surveys: settings, questions, options, topics."""

import secrets
from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.db import db
from core.forms import ConfirmForm
from core.ids import form_id
from core.links import external_url
from core.policy import (
    check_region,
    region_for_new_object,
    requires,
    visible_region_ids,
    visible_regions,
)
from core.timezone import NonexistentTime, ambiguity_note, local_to_utc
from newsletter.audience.models import Topic
from surveys.blueprint import bp
from surveys.builder import (
    BuilderError,
    add_option,
    add_question,
    create_survey,
    move_question,
    update_question,
    update_settings,
)
from surveys.models import Option, Question, Survey


def get_survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    check_region(current_user, survey.region_id)
    return survey


def _valid_form() -> None:
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
    regions = visible_region_ids(current_user)
    if request.method == "POST":
        _valid_form()
        region_id = region_for_new_object()
        try:
            survey = create_survey(db.session, request.form.get("title", ""), region_id)
        except BuilderError as error:
            flash(str(error), "error")
            return redirect(url_for("surveys.surveys"))
        record(db.session, current_user.id, "create", "survey", survey.id)
        db.session.commit()
        return redirect(url_for("surveys.survey_edit", survey_id=survey.id))
    query = select(Survey).order_by(Survey.created_at.desc())
    if regions is not None:
        query = query.where(Survey.region_id.in_(regions))
    return render_template(
        "surveys/list.html",
        surveys=list(db.session.scalars(query)),
        form=ConfirmForm(),
        regions=visible_regions(),
        interregional=regions is None,
    )


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@requires("surveys")
def survey_edit(survey_id: int) -> str | BaseResponse:
    survey = get_survey(survey_id)
    if request.method == "POST":
        _valid_form()
        try:
            update_settings(
                survey,
                {
                    "de": request.form.get("title_de", ""),
                    "en": request.form.get("title_en", ""),
                },
                {
                    "de": request.form.get("intro_de", ""),
                    "en": request.form.get("intro_en", ""),
                },
                _local("opens_at"),
                _local("closes_at"),
            )
        except BuilderError as error:
            flash(str(error), "error")
        else:
            record(db.session, current_user.id, "edit", "survey", survey.id)
            db.session.commit()
            flash(_("Settings saved."), "info")
        return redirect(url_for("surveys.survey_edit", survey_id=survey.id))
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


@bp.route("/surveys/<int:survey_id>/questions", methods=["POST"])
@requires("surveys")
def question_add(survey_id: int) -> BaseResponse:
    survey = get_survey(survey_id)
    _valid_form()
    try:
        question = add_question(db.session, survey, request.form.get("kind", ""))
    except BuilderError as error:
        flash(str(error), "error")
        return redirect(url_for("surveys.survey_edit", survey_id=survey.id))
    db.session.commit()
    return redirect(
        url_for(
            "surveys.survey_edit",
            survey_id=survey.id,
            _anchor=f"question-{question.id}",
        )
    )


def _question(survey: Survey, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    return question


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>", methods=["POST"])
@requires("surveys")
def question_change(survey_id: int, question_id: int) -> BaseResponse:
    survey = get_survey(survey_id)
    question = _question(survey, question_id)
    _valid_form()
    action = request.form.get("action", "save")
    back = url_for(
        "surveys.survey_edit", survey_id=survey.id, _anchor=f"question-{question.id}"
    )
    try:
        if action in ("up", "down"):
            move_question(survey, question, -1 if action == "up" else 1)
        elif action == "delete":
            survey.questions.remove(question)
        elif action == "add_option":
            topic = form_id("topic_id")
            add_option(
                db.session,
                question,
                {
                    "de": request.form.get("option_de", ""),
                    "en": request.form.get("option_en", ""),
                },
                topic if topic and db.session.get(Topic, topic) else None,
                request.form.get("option_kind") or None,
            )
        elif action.startswith("delete_option_"):
            option = db.session.get(Option, int(action.rsplit("_", 1)[1]))
            if option is not None and option.question_id == question.id:
                question.options.remove(option)
        else:
            update_question(
                question,
                {
                    "de": request.form.get("text_de", ""),
                    "en": request.form.get("text_en", ""),
                },
                request.form.get("required") == "y",
                request.form.get("max_choices", type=int),
                {
                    language: (
                        request.form.get(f"low_{language}", ""),
                        request.form.get(f"high_{language}", ""),
                    )
                    for language in ("de", "en")
                }
                if "low_de" in request.form
                else None,
            )
            flash(_("Question saved."), "info")
    except BuilderError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    return redirect(back)


@bp.route("/topics", methods=["GET", "POST"])
@requires("surveys")
def topics() -> str | BaseResponse:
    if request.method == "POST":
        _valid_form()
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
