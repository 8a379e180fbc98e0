"""The sender's per-message writes to the outbox, built once.

The gate: a message goes to the relay only after one statement has marked it
`sending` and found, in the same statement, that the row is still claimed under this
sender's lease, that its campaign is still sending and that the person still wants
it (subscription active, subscriber active, not erased or suppressed) and, for an
automated campaign, that its audience still holds the person. Every other
write of a sender is fenced by its lease the same way: a result never overwrites a
row that was skipped, cancelled, taken over or listed as uncertain meanwhile.

Each message costs one statement and one commit: the result of one message and the
gate of the next go together. They run straight on the DBAPI connection
(`core.direct_sql`): SQLAlchemy's bookkeeping per execution would cost about as much
as the statement, in the thread that competes with sending for the GIL."""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, and_, bindparam, case, exists, or_, update

from core.direct_sql import PreparedStatement
from newsletter.audience.models import (
    Subscriber,
    SubscriberStatus,
    Subscription,
    SubscriptionStatus,
)
from newsletter.campaigns.audiences import Audience
from newsletter.campaigns.models import ISSUE, Campaign, CampaignStatus
from newsletter.sending.models import Delivery, DeliveryStatus, SenderWorker
from newsletter.sending.reasons import Reason

_deliveries: Table = Delivery.__table__  # type: ignore[assignment]
_campaigns: Table = Campaign.__table__  # type: ignore[assignment]
_subscribers: Table = Subscriber.__table__  # type: ignore[assignment]
_subscriptions: Table = Subscription.__table__  # type: ignore[assignment]
_workers: Table = SenderWorker.__table__  # type: ignore[assignment]
d = _deliveries.c

_ours = d.lease == bindparam("b_lease")
_campaign_sending = exists().where(
    _campaigns.c.id == d.campaign_id,
    _campaigns.c.status == CampaignStatus.SENDING.value,
)
_still_wanted = and_(
    exists().where(
        _subscribers.c.id == d.subscriber_id,
        _subscribers.c.status == SubscriberStatus.ACTIVE.value,
        _subscribers.c.email.is_not(None),
    ),
    exists().where(
        _subscriptions.c.subscriber_id == d.subscriber_id,
        _subscriptions.c.list_id == d.list_id,
        _subscriptions.c.status == SubscriptionStatus.ACTIVE.value,
    ),
)
# Is the row the one this sender has handed to the relay?
IN_FLIGHT = and_(d.status == DeliveryStatus.SENDING.value, _ours)
_is_next = d.id == bindparam("n_id")


def _sending_to_its_audience(audiences: Mapping[str, Audience]) -> ColumnElement[bool]:
    """The campaign is still sending, and an automated one's audience still holds
    the person (a reminder: the survey open, no answer yet)."""
    plain = [ISSUE, *(k for k, a in audiences.items() if not a.still_in_audience)]
    holds = [
        and_(
            _campaigns.c.kind == kind,
            audience.still_in_audience(_deliveries, _campaigns),
        )
        for kind, audience in audiences.items()
        if audience.still_in_audience
    ]
    return exists().where(
        _campaigns.c.id == d.campaign_id,
        _campaigns.c.status == CampaignStatus.SENDING.value,
        # Equalities, not IN: an expanding bind cannot be prepared once.
        or_(*(_campaigns.c.kind == name for name in plain), *holds),
    )


@dataclass(frozen=True)
class GateStatements:
    """The statements that open the gate, built once per sender for the audiences
    registered in its app."""

    mark_sending: PreparedStatement
    record_and_mark: PreparedStatement


def gate_statements(audiences: Mapping[str, Audience]) -> GateStatements:
    # May the claimed row go to the relay now?
    may_go = and_(
        d.status == DeliveryStatus.CLAIMED.value,
        _ours,
        _sending_to_its_audience(audiences),
        _still_wanted,
    )
    mark_sending = update(_deliveries).where(d.id == bindparam("n_id"), may_go)
    # The result of one message and the gate of the next, in one statement;
    # RETURNING says which of the two rows it changed.
    record_and_mark = update(_deliveries).where(
        d.id.in_([bindparam("b_id"), bindparam("n_id")]),
        or_(and_(d.id == bindparam("b_id"), IN_FLIGHT), and_(_is_next, may_go)),
    )
    return GateStatements(
        PreparedStatement(
            mark_sending.values(
                status=DeliveryStatus.SENDING.value,
                message_id=bindparam("n_message_id"),
            ).returning(d.id)
        ),
        PreparedStatement(
            record_and_mark.values(
                status=case(
                    (_is_next, DeliveryStatus.SENDING.value),
                    else_=bindparam("b_status"),
                ),
                message_id=case(
                    (_is_next, bindparam("n_message_id")), else_=d.message_id
                ),
                attempts=case((_is_next, d.attempts), else_=bindparam("b_attempts")),
                last_error=case((_is_next, d.last_error), else_=bindparam("b_error")),
                reason=case((_is_next, d.reason), else_=bindparam("b_reason")),
                sent_at=case((_is_next, d.sent_at), else_=bindparam("b_sent_at")),
                next_attempt_at=case(
                    (_is_next, d.next_attempt_at), else_=bindparam("b_next")
                ),
                claimed_by=case((_is_next, d.claimed_by), else_=None),
                lease=case((_is_next, d.lease), else_=None),
            ).returning(d.id)
        ),
    )


RECORD_RESULT = PreparedStatement(
    update(_deliveries)
    .where(d.id == bindparam("b_id"), IN_FLIGHT)
    .values(
        status=bindparam("b_status"),
        attempts=bindparam("b_attempts"),
        last_error=bindparam("b_error"),
        reason=bindparam("b_reason"),
        sent_at=bindparam("b_sent_at"),
        next_attempt_at=bindparam("b_next"),
        claimed_by=None,
        lease=None,
    )
)
# A hard bounce suppresses the address (an erased person stays erased).
SUPPRESS = PreparedStatement(
    update(_subscribers)
    .where(
        _subscribers.c.id == bindparam("b_subscriber"),
        _subscribers.c.status == SubscriberStatus.ACTIVE.value,
    )
    .values(status=SubscriberStatus.BOUNCED.value)
)
# A row refused or found gone while its campaign still runs: the person withdrew.
SKIP_WITHDRAWN = PreparedStatement(
    update(_deliveries)
    .where(
        d.id == bindparam("b_id"),
        d.status == DeliveryStatus.CLAIMED.value,
        _ours,
        _campaign_sending,
    )
    .values(
        status=DeliveryStatus.SKIPPED.value,
        claimed_by=None,
        lease=None,
        reason=Reason.LEFT_BEFORE_SENDING.value,
    )
    .returning(d.id)
)
# Back to the queue, untried: what is still claimed under the lease (one batch at a
# time per lease, so that is the rest of the batch).
RELEASE = PreparedStatement(
    update(_deliveries)
    .where(d.status == DeliveryStatus.CLAIMED.value, _ours)
    .values(status=DeliveryStatus.QUEUED.value, claimed_by=None, lease=None)
)
# The lease, renewed while sending (in the transaction of a gate, every few seconds).
RENEW = PreparedStatement(
    update(_workers)
    .where(
        _workers.c.name == bindparam("w_name"),
        _workers.c.lease == bindparam("b_lease"),
    )
    .values(heartbeat_at=bindparam("w_now"))
    .returning(_workers.c.name)
)
