"""The sender's per-message writes to the outbox, built once: the mark that a message
is being handed to the relay, and its result (with the next message's mark, so that
each message costs one commit)."""

from sqlalchemy import Table, bindparam, case, update

from newsletter.sending.models import Delivery, DeliveryStatus

_deliveries: Table = Delivery.__table__  # type: ignore[assignment]
MARK_SENDING = (
    update(_deliveries)
    .where(_deliveries.c.id == bindparam("b_id"))
    .values(
        status=DeliveryStatus.SENDING,
        message_id=bindparam("b_message_id"),
        attempts=bindparam("b_attempts"),
    )
)
_is_next = _deliveries.c.id == bindparam("n_id")
# The result of one message and the mark of the next, in one statement.
RECORD_AND_MARK = (
    update(_deliveries)
    .where(_deliveries.c.id.in_([bindparam("b_id"), bindparam("n_id")]))
    .values(
        status=case(
            (_is_next, DeliveryStatus.SENDING.value), else_=bindparam("b_status")
        ),
        message_id=case(
            (_is_next, bindparam("b_message_id")), else_=_deliveries.c.message_id
        ),
        attempts=case(
            (_is_next, bindparam("b_attempts")), else_=_deliveries.c.attempts
        ),
        last_error=case(
            (_is_next, _deliveries.c.last_error), else_=bindparam("b_error")
        ),
        sent_at=case((_is_next, _deliveries.c.sent_at), else_=bindparam("b_sent_at")),
        next_attempt_at=case(
            (_is_next, _deliveries.c.next_attempt_at), else_=bindparam("b_next")
        ),
        claimed_by=case((_is_next, _deliveries.c.claimed_by), else_=None),
    )
)
RECORD_RESULT = (
    update(_deliveries)
    .where(_deliveries.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        last_error=bindparam("b_error"),
        sent_at=bindparam("b_sent_at"),
        next_attempt_at=bindparam("b_next"),
        claimed_by=None,
    )
)
