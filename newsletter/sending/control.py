"""Scheduling and steering a campaign's sending: schedule, take back, pause, resume,
cancel. Services flush; callers commit."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from newsletter.campaigns.checklist import checklist
from newsletter.campaigns.editing import CampaignError
from newsletter.campaigns.models import Campaign, CampaignStatus, StopReason


def schedule(campaign: Campaign, when: datetime) -> None:
    """Plan sending at `when` (aware); only an issue without checklist errors."""
    ensure_sendable(campaign, when)
    campaign.scheduled_at = when.astimezone(UTC)
    campaign.status = CampaignStatus.SCHEDULED


def ensure_sendable(campaign: Campaign, when: datetime) -> None:
    """Refuse, with the reasons, an issue that cannot be sent at `when`: checked
    before the confirmation is asked for, and again when scheduling."""
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
        raise CampaignError(str(_l("This issue can no longer be scheduled.")))
    errors = [
        message
        for severity, message in checklist(campaign, when)
        if severity == "error"
    ]
    if errors:
        raise CampaignError(
            str(
                _l(
                    "Please fix the checklist first: %(errors)s",
                    errors="; ".join(errors),
                )
            )
        )


def unschedule(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.SCHEDULED:
        raise CampaignError(str(_l("Only a scheduled issue can be taken back.")))
    campaign.status = CampaignStatus.DRAFT
    campaign.scheduled_at = None


def pause(campaign: Campaign, by: str = "") -> None:
    """Pause by a person (`by`: her name, shown on the page if given)."""
    if campaign.status != CampaignStatus.SENDING:
        raise CampaignError(str(_l("Only an issue that is being sent can be paused.")))
    campaign.status = CampaignStatus.PAUSED
    campaign.stop_reason = StopReason.BY_PERSON
    campaign.stop_details = {"by": by}


def resume(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.PAUSED:
        raise CampaignError(str(_l("Only a paused issue can be resumed.")))
    campaign.status = CampaignStatus.SENDING
    campaign.stop_reason = ""
    campaign.stop_details = {}


def cancel(campaign: Campaign) -> None:
    """Stop for good, at once: the senders' gate refuses every message of a
    cancelled campaign (at most the one each sender has in flight still goes out);
    the worker marks the rows left in the queue later (`outbox.skip_cancelled`)."""
    if campaign.status not in (
        CampaignStatus.SENDING,
        CampaignStatus.PAUSED,
        CampaignStatus.SCHEDULED,
    ):
        raise CampaignError(str(_l("This issue cannot be cancelled.")))
    campaign.status = CampaignStatus.CANCELLED
