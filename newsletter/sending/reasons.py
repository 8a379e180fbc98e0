"""Why a delivery failed, was not sent or is uncertain, and why a campaign paused or
ended unsent: stable codes stored in the database, read by managers as a German
explanation and what they can do. The relay's own answer is kept apart, as a
technical detail (`Delivery.last_error`)."""

import enum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


class Reason(enum.StrEnum):
    """Why a delivery is not simply sent."""

    MAILBOX_UNKNOWN = "mailbox_unknown"  # 5.1.x: the address does not exist
    REFUSED_BY_POLICY = "refused_by_policy"  # 5.7.x: spam filter, policy
    REFUSED = "refused"  # any other permanent refusal (5xx)
    DEFERRED = "deferred"  # 4xx: "later", retried until MAIL_MAX_ATTEMPTS
    CONNECTION_LOST = "connection_lost"  # the connection broke mid-message
    RELAY_UNREACHABLE = "relay_unreachable"  # our own relay was not reached
    INTERRUPTED = "interrupted"  # a crash between the relay's reply and our record
    ANSWER_LOST = "answer_lost"  # the relay took the message, then hung up silently
    LEFT_BEFORE_SENDING = "left_before_sending"
    CANCELLED = "cancelled"


# (what happened, what the manager can do)
EXPLANATIONS: dict[str, tuple[LazyString, LazyString]] = {
    Reason.MAILBOX_UNKNOWN: (
        _l("This address does not exist (any more) at the recipient's provider."),
        _l(
            "The address is blocked for further issues. If the person has a new "
            "address, ask them to sign up with it."
        ),
    ),
    Reason.REFUSED_BY_POLICY: (
        _l(
            "The receiving server refused the message on policy grounds, for "
            "example as suspected spam."
        ),
        _l(
            "The address stays active. If this happens often, ask your IT to check "
            "the sender settings (SPF, DKIM), or ask the person to allow our mails."
        ),
    ),
    Reason.REFUSED: (
        _l("The receiving server refused the message permanently."),
        _l(
            "The address stays active. The mail server's answer below says more; "
            "if in doubt, ask the person for another address."
        ),
    ),
    Reason.DEFERRED: (
        _l(
            "The receiving server only refused the message for now, several times "
            "(for example a full mailbox or an overloaded server)."
        ),
        _l(
            "We stopped trying for this issue. The address stays active and gets "
            "the next issue."
        ),
    ),
    Reason.CONNECTION_LOST: (
        _l("The connection to the mail server broke while the message was sent."),
        _l("It is sent again automatically, with the same message number."),
    ),
    Reason.RELAY_UNREACHABLE: (
        _l("Our mail server could not be reached."),
        _l(
            "It is tried again automatically. If this lasts, ask your IT whether "
            "the mail server is running."
        ),
    ),
    Reason.ANSWER_LOST: (
        _l(
            "The mail server received the whole message, but the connection broke "
            "before it confirmed it. It may have arrived."
        ),
        _l(
            "It is not sent again automatically, so that nobody gets it twice. "
            "If it matters, ask the person whether it arrived."
        ),
    ),
    Reason.INTERRUPTED: (
        _l(
            "Sending was interrupted just after the message was handed to the mail "
            "server (a restart or a lost database connection). It may have arrived."
        ),
        _l(
            "It is not sent again automatically, so that nobody gets it twice. "
            "If it matters, ask the person whether it arrived."
        ),
    ),
    Reason.LEFT_BEFORE_SENDING: (
        _l("The person unsubscribed or was removed before the message went out."),
        _l("Nothing to do: their wish is respected."),
    ),
    Reason.CANCELLED: (
        _l("Sending of the issue was cancelled before this message went out."),
        _l("Nothing to do."),
    ),
}


def explanation(reason: str) -> LazyString | None:
    """What happened, for a stored reason code (None for none or an unknown one)."""
    found = EXPLANATIONS.get(reason)
    return found[0] if found else None


def advice(reason: str) -> LazyString | None:
    """What the manager can do about it."""
    found = EXPLANATIONS.get(reason)
    return found[1] if found else None


def reason_of_status(status: str) -> Reason:
    """The reason of a permanent failure, by its enhanced status code (5.1.1 …)."""
    if status.startswith("5.1."):
        return Reason.MAILBOX_UNKNOWN
    if status.startswith("5.7."):
        return Reason.REFUSED_BY_POLICY
    return Reason.REFUSED
