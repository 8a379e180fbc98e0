"""A person's deliveries and bounces in her export, and what her erasure does to them.

Erasure unlinks rather than deletes: a campaign's figures (sent, bounced, failed) and
its response rate keep their rows, and a row without a subscriber, Message-ID or
relay reply (which often quotes the address) says nothing about anybody. Messages not
yet handed to the relay are skipped."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select, update

from core.db import SessionLike
from newsletter.audience.models import MailingList, Subscriber
from newsletter.audience.personal_data import PersonalDataSource, Rows
from newsletter.audience.scope import Scope
from newsletter.campaigns.models import Campaign
from newsletter.campaigns.rendering import Template, personal_values
from newsletter.sending.models import Delivery, DeliveryStatus
from newsletter.sending.reasons import explanation

BOUNCE_STATES = (DeliveryStatus.BOUNCED, DeliveryStatus.FAILED)


def _deliveries(session: SessionLike, subscriber: Subscriber, scope: Scope) -> list:
    return list(
        session.execute(
            select(Delivery, Campaign, MailingList)
            .join(Campaign, Campaign.id == Delivery.campaign_id)
            .outerjoin(MailingList, MailingList.id == Delivery.list_id)
            .where(
                Delivery.subscriber_id == subscriber.id, scope.held(Campaign.region_id)
            )
            .order_by(Delivery.id)
        )
    )


def _subject(campaign: Campaign, subscriber: Subscriber) -> str:
    """The subject as the person received it, with her name filled in."""
    region = campaign.region.name if campaign.region else ""
    values = personal_values(
        subscriber.name, subscriber.organisation, region, subscriber.language
    )
    return Template(campaign.subject_for(subscriber.language)).fill(values)


def export_deliveries(
    session: SessionLike, subscriber: Subscriber, scope: Scope
) -> Rows:
    """Every issue (of the scope's controllers) meant for the person: which,
    through which list, when, result."""
    return [
        {
            "issue": _subject(campaign, subscriber),
            "issue_id": campaign.id,
            "list": mailing_list.name if mailing_list else None,
            "result": delivery.status,
            "attempts": delivery.attempts,
            "queued_at": delivery.created_at.isoformat(),
            "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
            "message_id": delivery.message_id,
        }
        for delivery, campaign, mailing_list in _deliveries(session, subscriber, scope)
    ]


def export_bounces(session: SessionLike, subscriber: Subscriber, scope: Scope) -> Rows:
    """The issues that did not reach the person, with the mail server's reason."""
    return [
        {
            "issue": _subject(campaign, subscriber),
            "issue_id": campaign.id,
            "result": delivery.status,
            "reason": str(explanation(delivery.reason) or delivery.last_error),
            "server_answer": delivery.last_error,
            "at": (delivery.sent_at or delivery.created_at).isoformat(),
        }
        for delivery, campaign, _list in _deliveries(session, subscriber, scope)
        if delivery.status in BOUNCE_STATES
    ]


def erase_deliveries(
    session: SessionLike, subscriber: Subscriber, scope: Scope
) -> None:
    """Skip what is still waiting, then unlink every row (of the scope's
    controllers' issues) from the person."""
    mine = and_(
        Delivery.subscriber_id == subscriber.id,
        Delivery.campaign_id.in_(
            select(Campaign.id).where(scope.held(Campaign.region_id))
        ),
    )
    session.execute(
        update(Delivery)
        .where(
            mine,
            Delivery.status.in_((DeliveryStatus.QUEUED, DeliveryStatus.CLAIMED)),
        )
        .values(status=DeliveryStatus.SKIPPED, claimed_by=None)
    )
    session.execute(
        update(Delivery)
        .where(mine)
        .values(subscriber_id=None, message_id=None, last_error="")
    )


def nothing_more(session: SessionLike, subscriber: Subscriber, scope: Scope) -> None:
    """Bounces are results of deliveries: erased with them."""


DELIVERIES = PersonalDataSource(
    key="deliveries",
    title=_l("Issues sent to you"),
    export=export_deliveries,
    erase=erase_deliveries,
    template="newsletter/my_data/deliveries.html",
    order=40,
)
BOUNCES = PersonalDataSource(
    key="bounces",
    title=_l("Issues that did not reach you"),
    export=export_bounces,
    erase=nothing_more,
    template="newsletter/my_data/bounces.html",
    order=50,
)
