"""A plan's next reminder as it would go out, built but not stored: for the plan's
checklist, its preview and the manager's test mail. A plan whose checklist finds an
error stays saved (nothing typed is lost) but off."""

from core.db import SessionLike, utcnow
from newsletter.campaigns.checklist import checklist
from newsletter.campaigns.models import Campaign
from surveys.models import ReminderPlan, Survey
from surveys.reminders.facts import explain_plan
from surveys.reminders.plans import next_due_at, reminder_campaign


def draft_reminder(
    session: SessionLike, survey: Survey, plan: ReminderPlan
) -> Campaign:
    """The plan's next step (its first once all went out) as a campaign."""
    due = next_due_at(session, plan)
    campaign = reminder_campaign(survey, plan, due[0] if due else 1, utcnow())
    campaign.region = survey.region  # rendered before it has a session of its own
    return campaign


def plan_findings(
    session: SessionLike, survey: Survey, plan: ReminderPlan
) -> list[tuple[str, str]]:
    """The checklist of the plan's next reminder: whom it reaches, when and in which
    language ('info'), then what to fix ('error') or to know ('warning')."""
    draft = draft_reminder(session, survey, plan)
    facts = explain_plan(session, survey, plan)
    # The draft is no stored step: its own facts would say it reaches nobody.
    to_fix = [finding for finding in checklist(draft) if finding[0] != "info"]
    return [("info", line) for line in facts.lines] + to_fix


def switch_by_checklist(
    session: SessionLike, survey: Survey, plan: ReminderPlan
) -> list[str]:
    """Switch the plan on when its checklist finds no error, else off; the errors
    (the caller commits)."""
    errors = [
        message
        for severity, message in plan_findings(session, survey, plan)
        if severity == "error"
    ]
    plan.active = not errors
    session.flush()
    return errors
