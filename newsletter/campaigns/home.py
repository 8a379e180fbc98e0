"""The home page panel of issues: the next scheduled, the running and the last sent."""

from sqlalchemy import select

from core.db import db, utcnow
from core.home import Panel
from core.models import Role, User
from core.policy import allowed, held
from newsletter.campaigns.models import ISSUE, Campaign, CampaignStatus


def campaign_panel(user: User) -> Panel | None:
    """The next scheduled issue and the last one sent, for the user's regions."""
    if not allowed(user, "campaigns"):
        return None
    query = select(Campaign).where(
        Campaign.kind == ISSUE, held(user, Campaign.region_id)
    )
    scheduled = Campaign.status == CampaignStatus.SCHEDULED
    upcoming = db.session.scalar(
        query.where(scheduled, Campaign.scheduled_at > utcnow()).order_by(
            Campaign.scheduled_at
        )
    )
    # An issue whose time has come is being sent, even before the dispatcher ran.
    running = db.session.scalar(
        query.where(
            Campaign.status.in_((CampaignStatus.SENDING, CampaignStatus.PAUSED))
            | (scheduled & (Campaign.scheduled_at <= utcnow()))
        )
    )
    last_sent = db.session.scalar(
        query.where(Campaign.status == CampaignStatus.SENT).order_by(
            Campaign.sent_at.desc()
        )
    )
    return Panel(
        "newsletter/_home_campaigns.html",
        {"upcoming": upcoming, "running": running, "last_sent": last_sent},
        order=20,
    )


def next_steps_panel(user: User) -> Panel | None:
    """What a manager usually does next: start an issue, continue a draft, import."""
    if not allowed(user, "campaigns"):
        return None
    drafts = select(Campaign).where(
        Campaign.status == CampaignStatus.DRAFT,
        Campaign.kind == ISSUE,
        held(user, Campaign.region_id),
    )
    return Panel(
        "newsletter/_home_next_steps.html",
        {
            "drafts": list(
                db.session.scalars(drafts.order_by(Campaign.updated_at.desc()).limit(3))
            ),
            # An administrator first chooses the sender on the issues page.
            "one_region": user.role != Role.ADMIN,
        },
        order=5,
    )
