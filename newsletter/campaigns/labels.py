"""Names of campaign states, as managers read them."""

from flask_babel import lazy_gettext as _l

from core.db import utcnow
from newsletter.campaigns.models import Campaign, CampaignStatus, StopReason

CAMPAIGN_STATUS_LABELS = {
    "draft": _l("draft"),
    "scheduled": _l("scheduled"),
    "sending": _l("sending"),
    "paused": _l("paused"),
    "sent": _l("sent"),
    "cancelled": _l("cancelled"),
    # Not a status of its own: a cancelled issue that nobody was left to get.
    "nobody_left": _l("not sent: nobody left"),
}


def campaign_status_label(status: str) -> str:
    return str(CAMPAIGN_STATUS_LABELS.get(status, status))


def campaign_name(campaign: Campaign) -> str:
    """What managers call an issue: its internal title, else its German subject."""
    return (
        campaign.title.strip()
        or campaign.subject_for("de").strip()
        or str(_l("(untitled issue)"))
    )


def shown_status(campaign: Campaign) -> str:
    """The state as the manager should read it: an issue whose time has come is being
    sent, even in the seconds before the dispatcher has marked it so."""
    due = campaign.scheduled_at is not None and campaign.scheduled_at <= utcnow()
    if campaign.status == CampaignStatus.SCHEDULED and due:
        return CampaignStatus.SENDING
    if campaign.stop_reason == StopReason.NOBODY_LEFT:
        return StopReason.NOBODY_LEFT
    return campaign.status
