"""A survey's reminder plan, for the managers of its region."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.db import db
from core.policy import requires
from surveys.blueprint import bp
from surveys.builder_views import get_survey
from surveys.models import ReminderPlan, Survey
from surveys.reminder_forms import ReminderPlanForm
from surveys.reminder_rates import step_rates
from surveys.reminders import PlanInput, issues_with, next_due_at, save_plan


def _form(survey: Survey) -> ReminderPlanForm:
    plan = db.session.get(ReminderPlan, survey.id)
    if plan is None:
        return ReminderPlanForm(
            subject_de=_("Reminder: %(title)s", title=survey.title_for("de")),
        )
    return ReminderPlanForm(
        steps=plan.steps,
        interval_days=plan.interval_days,
        subject_de=plan.subject.get("de", ""),
        body_de=plan.body.get("de", ""),
        subject_en=plan.subject.get("en", ""),
        body_en=plan.body.get("en", ""),
    )


@bp.route("/surveys/<int:survey_id>/reminders", methods=["GET", "POST"])
@requires("surveys")
def survey_reminders(survey_id: int) -> str | BaseResponse:
    survey = get_survey(survey_id)
    form = _form(survey)
    if form.validate_on_submit():
        save_plan(
            db.session,
            survey,
            PlanInput(
                form.steps.data or 0,
                form.interval_days.data or 7,
                {"de": form.subject_de.data or "", "en": form.subject_en.data or ""},
                {"de": form.body_de.data or "", "en": form.body_en.data or ""},
            ),
        )
        record(db.session, current_user.id, "edit", "reminder_plan", survey.id)
        db.session.commit()
        flash(_("Saved."), "info")
        return redirect(url_for("surveys.survey_reminders", survey_id=survey.id))
    plan = db.session.get(ReminderPlan, survey.id)
    return render_template(
        "surveys/reminders.html",
        survey=survey,
        form=form,
        issues=issues_with(db.session, survey.id),
        next_due=next_due_at(db.session, plan) if plan else None,
        rates=step_rates(db.session, survey.id, int(current_app.config["MIN_CELL"])),
    )
