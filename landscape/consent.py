"""The consent to appear in the Kompetenzlandschaft: its own, apart from the
newsletter's, given on the profile's preview page and withdrawn in the preference
centre. The log keeps the sentence shown, word for word."""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from core.db import SessionLike
from core.models import Region
from landscape.models import ConsentKind, ProfileConsent
from newsletter.audience.models import Subscriber


def consent_sentence(region: Region, language: str) -> str:
    """The sentence next to the box, in the language, naming the controller."""
    with force_locale(language):
        return _(
            "Yes, %(agency)s may show the details of my profile above (organisation, "
            "type, place, website, description, topics offered and sought) in the "
            "public Kompetenzlandschaft and may suggest me to organisations with "
            "matching needs or offers. My contact details are passed on only when "
            "both sides agreed to an introduction. I can withdraw this consent at "
            "any time in my newsletter settings.",
            agency=region.agency,
        )


def withdrawal_sentence(language: str) -> str:
    with force_locale(language):
        return _(
            "I withdraw my consent to appear in the Kompetenzlandschaft. My profile "
            "is deleted."
        )


def log_consent(
    session: SessionLike, subscriber: Subscriber, kind: ConsentKind, text: str
) -> ProfileConsent:
    """Append one event to the person's log."""
    event = ProfileConsent(
        subscriber_id=subscriber.id,
        kind=kind,
        language=subscriber.language,
        text=text,
    )
    session.add(event)
    session.flush()
    return event


def consent_events(session: SessionLike, subscriber_id: int) -> list[ProfileConsent]:
    """The person's events, oldest first."""
    return list(
        session.scalars(
            select(ProfileConsent)
            .where(ProfileConsent.subscriber_id == subscriber_id)
            .order_by(ProfileConsent.at, ProfileConsent.id)
        )
    )
