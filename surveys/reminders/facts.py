"""What the editor and checklist of a survey reminder say instead of lists to
choose: which survey and step it is, the issues it follows up, who gets it (their
recipients without an answer who still want the list) and when it goes."""

from datetime import datetime

from flask import url_for
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from core.db import SessionLike
from newsletter.campaigns.audiences import AutomationFacts
from newsletter.campaigns.labels import campaign_name
from newsletter.campaigns.models import Campaign
from surveys.models import ReminderPlan, Survey, SurveyReminder
from surveys.reminders.plans import issues_with, next_due_at


def explain_reminder(session: SessionLike, campaign: Campaign) -> AutomationFacts:
    """The facts of one reminder step."""
    reminder = session.scalar(
        select(SurveyReminder).where(SurveyReminder.campaign_id == campaign.id)
    )
    survey = session.get(Survey, reminder.survey_id) if reminder else None
    if reminder is None or survey is None:
        return AutomationFacts(
            [_("This reminder's survey no longer exists: it reaches nobody.")],
            url_for("surveys.surveys"),
            _("Surveys"),
        )
    plan = session.get(ReminderPlan, survey.id)
    return _facts(
        session,
        survey,
        plan,
        reminder.step,
        campaign.started_at or campaign.scheduled_at,
    )


def explain_plan(
    session: SessionLike, survey: Survey, plan: ReminderPlan
) -> AutomationFacts:
    """The facts of a plan's next step (its first, once all went out), before it
    exists: for the plan's own checklist."""
    due = next_due_at(session, plan)
    step = due[0] if due else 1
    return _facts(session, survey, plan, step, due[1] if due else None)


def _facts(
    session: SessionLike,
    survey: Survey,
    plan: ReminderPlan | None,
    step: int,
    at: datetime | None,
) -> AutomationFacts:
    issues = issues_with(session, survey.id)
    return AutomationFacts(
        lines=[
            _(
                "Reminder %(step)s of %(steps)s for the survey “%(survey)s”.",
                step=step,
                steps=plan.steps if plan else step,
                survey=survey.title_for("de"),
            ),
            _(
                "Issue with the survey: %(issues)s",
                issues=", ".join(campaign_name(issue) for issue in issues) or "–",
            ),
            ngettext(
                "Audience: whoever received this issue and has not answered yet, "
                "and still wants the list. Whoever answers, unsubscribes or is "
                "erased before it goes gets none.",
                "Audience: whoever received one of these issues and has not "
                "answered yet, and still wants the list. Whoever answers, "
                "unsubscribes or is erased before it goes gets none.",
                max(len(issues), 1),
            ),
            _when(at, step, plan, survey),
            _(
                "Language: the person's; who reads English gets the English text "
                "if there is one, otherwise the German one."
            ),
        ],
        edit_url=url_for("surveys.survey_reminders", survey_id=survey.id),
        edit_label=_("Change the reminders of this survey"),
    )


def _when(
    started: datetime | None, step: int, plan: ReminderPlan | None, survey: Survey
) -> str:
    after = (
        _("after the issue")
        if step == 1
        else _("after reminder %(step)s", step=step - 1)
    )
    closes = format_datetime(survey.closes_at, "short") if survey.closes_at else "–"
    days = plan.interval_days if plan else 0
    return ngettext(
        "Sent: %(date)s, %(num)s day %(after)s. Nothing goes out once the survey "
        "has closed (%(closes)s).",
        "Sent: %(date)s, %(num)s days %(after)s. Nothing goes out once the survey "
        "has closed (%(closes)s).",
        days,
        date=format_datetime(started, "short") if started else "–",
        after=after,
        closes=closes,
    )
