"""What the editor and checklist of a welcome mail say instead of lists to choose:
whom it reaches (who confirms a list of the region herself), what starts it (her
confirmation), when it goes (about a minute later, or the second mail some days
later) and whether it is switched on."""

from flask import url_for
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from core.db import SessionLike
from newsletter.audience.consent import JOINT_SLUG
from newsletter.audience.models import MailingList
from newsletter.campaigns.audiences import AutomationFacts
from newsletter.campaigns.models import Campaign, CampaignStatus
from newsletter.sending.models import WelcomeMail
from newsletter.sending.outbox import same_controller


def explain_welcome(session: SessionLike, campaign: Campaign) -> AutomationFacts:
    """The facts of a region's (or the joint list's) welcome mail, first or
    second."""
    mail = session.scalar(
        select(WelcomeMail).where(WelcomeMail.campaign_id == campaign.id)
    )
    region = campaign.region
    lists = session.scalars(
        select(MailingList.name)
        .where(MailingList.id.in_(same_controller(campaign)))
        .order_by(MailingList.name)
    )
    delay = mail.delay_days if mail is not None else 0
    audience = ", ".join(lists)
    return AutomationFacts(
        lines=[
            _(
                "Audience: whoever confirms a list of %(region)s herself (with the "
                "confirmation mail or in her settings): %(lists)s. Imported people "
                "and people added by a manager get no welcome mail.",
                region=region.name,
                lists=audience,
            )
            if region
            else _(
                "Audience: whoever confirms the interregional list herself (with "
                "the confirmation mail or in her settings): %(lists)s. Imported "
                "people and people added by a manager get no welcome mail.",
                lists=audience,
            ),
            _trigger(delay),
            _state(campaign),
        ],
        edit_url=url_for(
            "newsletter.welcome_mails",
            region_slug=region.slug if region else JOINT_SLUG,
        ),
        edit_label=_("Change the welcome mails"),
    )


def _trigger(delay_days: int) -> str:
    if delay_days <= 0:
        return _(
            "Trigger: the confirmation of the sign-up. Sent once, about a minute "
            "after the confirmation, in the person's language."
        )
    return ngettext(
        "Trigger: the confirmation of the sign-up. Sent once, %(num)s day after "
        "the confirmation, in the person's language.",
        "Trigger: the confirmation of the sign-up. Sent once, %(num)s days after "
        "the confirmation, in the person's language.",
        delay_days,
    )


def _state(campaign: Campaign) -> str:
    if campaign.status == CampaignStatus.SENDING and campaign.started_at:
        return _(
            "Switched on since %(date)s: only those who confirm from then on get it.",
            date=format_datetime(campaign.started_at, "short"),
        )
    return _("Switched off: nobody gets this mail.")
