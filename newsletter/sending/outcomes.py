"""What an SMTP answer means for one delivery: sent, retried, bounced or failed."""

import smtplib
from dataclasses import dataclass

from core.mail import AnswerLost
from newsletter.sending.models import DeliveryStatus
from newsletter.sending.reasons import Reason, reason_of_status


@dataclass
class Outcome:
    status: str
    error: str = ""  # the relay's answer, as a technical detail
    reason: str = ""  # a `Reason` code: what managers read
    retry: bool = False
    hard_bounce: bool = False
    connection_lost: bool = False
    # False when the relay could not be reached at all: no attempt is used up.
    reached: bool = True


def classify(error: Exception) -> Outcome:
    """What an SMTP error means for this one delivery."""
    message: bytes | str
    if isinstance(error, AnswerLost):  # it may have arrived: listed, never resent
        return Outcome(
            DeliveryStatus.UNCERTAIN,
            str(error)[:300],
            Reason.ANSWER_LOST,
            connection_lost=True,
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, message = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, message = error.smtp_code, error.smtp_error
    else:  # the connection broke before the message was whole: send it again
        return Outcome(
            DeliveryStatus.QUEUED,
            str(error)[:300],
            Reason.CONNECTION_LOST,
            retry=True,
            connection_lost=True,
        )
    text = (
        message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    )
    reason = f"{code} {text}"[:300]
    if 400 <= code < 500:
        return Outcome(
            DeliveryStatus.QUEUED,
            reason,
            Reason.DEFERRED,
            retry=True,
            connection_lost=code == 421,
        )
    enhanced = text.split()[0] if text.split() else ""
    why = reason_of_status(enhanced)
    if why is Reason.MAILBOX_UNKNOWN:
        return Outcome(DeliveryStatus.BOUNCED, reason, why, hard_bounce=True)
    return Outcome(DeliveryStatus.FAILED, reason, why)
