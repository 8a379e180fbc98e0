"""A survey's reminder plan, for the managers of its region: the plan, its checklist,
a preview of the next reminder as a recipient sees it and a test mail to the
manager's own address."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.db import db
from core.policy import requires
from newsletter.campaigns.editing import LANGUAGES, CampaignError
from newsletter.campaigns.preview import sample_rendering, sandboxed, send_test
from surveys.blueprint import bp
from surveys.builder.views import get_survey
from surveys.models import ReminderPlan, Survey
from surveys.reminders.drafts import draft_reminder, plan_findings, switch_by_checklist
from surveys.reminders.forms import ReminderPlanForm, ReminderTestForm
from surveys.reminders.plans import PlanInput, issues_with, next_due_at, save_plan
from surveys.reminders.rates import step_rates


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


def _save(survey: Survey, form: ReminderPlanForm) -> None:
    """Save what the manager typed; switch the plan on only when its checklist has
    no error (the text is kept either way, and the message says why it is off)."""
    plan = save_plan(
        db.session,
        survey,
        PlanInput(
            form.steps.data or 0,
            form.interval_days.data or 7,
            {"de": form.subject_de.data or "", "en": form.subject_en.data or ""},
            {"de": form.body_de.data or "", "en": form.body_en.data or ""},
        ),
    )
    problems = switch_by_checklist(db.session, survey, plan)
    record(db.session, current_user.id, "edit", "reminder_plan", survey.id)
    db.session.commit()
    if problems:
        flash(
            _("Saved, but not switched on: %(problems)s", problems=" ".join(problems)),
            "error",
        )
    else:
        flash(_("Saved."), "info")


@bp.route("/surveys/<int:survey_id>/reminders", methods=["GET", "POST"])
@requires("surveys")
def survey_reminders(survey_id: int) -> str | BaseResponse:
    survey = get_survey(survey_id)
    form = _form(survey)
    if form.validate_on_submit():
        _save(survey, form)
        return redirect(url_for("surveys.survey_reminders", survey_id=survey.id))
    plan = db.session.get(ReminderPlan, survey.id)
    return render_template(
        "surveys/reminders.html",
        survey=survey,
        form=form,
        plan=plan,
        issues=issues_with(db.session, survey.id),
        next_due=next_due_at(db.session, plan) if plan and plan.active else None,
        findings=plan_findings(db.session, survey, plan) if plan else [],
        test_form=ReminderTestForm(),
        rates=step_rates(db.session, survey.id, int(current_app.config["MIN_CELL"])),
    )


def _saved_plan(survey: Survey) -> ReminderPlan:
    plan = db.session.get(ReminderPlan, survey.id)
    if plan is None:
        abort(404)
    return plan


@bp.route("/surveys/<int:survey_id>/reminders/preview.html")
@requires("surveys")
def survey_reminder_preview(survey_id: int) -> BaseResponse:
    """The next reminder as a sample recipient gets it, in the asked language."""
    survey = get_survey(survey_id)
    draft = draft_reminder(db.session, survey, _saved_plan(survey))
    language = request.args.get("lang", "de")
    _subject, html, _text = sample_rendering(
        draft, language if language in LANGUAGES else "de"
    )
    return sandboxed(html)


@bp.route("/surveys/<int:survey_id>/reminders/test", methods=["POST"])
@requires("surveys")
def survey_reminder_test(survey_id: int) -> BaseResponse:
    """The next reminder as saved, to the manager's own address only (a reminder
    goes to subscribers, never to typed addresses)."""
    survey = get_survey(survey_id)
    plan = _saved_plan(survey)
    form = ReminderTestForm()
    back = redirect(url_for("surveys.survey_reminders", survey_id=survey.id))
    if not form.validate_on_submit():
        abort(400)
    try:
        send_test(
            draft_reminder(db.session, survey, plan),
            [current_user.email],
            form.language.data or "de",
        )
    except CampaignError as error:
        flash(str(error), "error")
        return back
    except OSError:
        flash(
            _("The mail server did not accept the test mail. Please try again later."),
            "error",
        )
        return back
    record(db.session, current_user.id, "test_send", "reminder_plan", survey.id)
    db.session.commit()
    flash(_("Test sent to %(addresses)s.", addresses=current_user.email), "info")
    return back
