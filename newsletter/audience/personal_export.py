"""A copy of everything we hold about a person (Art. 15 and 20 GDPR): her profile,
subscriptions and consent log with the texts she agreed to, and what other rooms
registered (issues sent, bounces, survey answers). One dict feeds the JSON download
and the printable page alike."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session

from core.db import SessionLike, utcnow
from newsletter.audience.models import ConsentEvent, ConsentText, Subscriber
from newsletter.audience.personal_data import personal_data_sources
from newsletter.audience.scope import Scope

# The person's own view: everything, whoever holds it.
EVERYTHING = Scope(None, None)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def profile(subscriber: Subscriber, scope: Scope = EVERYTHING) -> dict[str, Any]:
    """The person's details; her status and dates as the scope's controller holds
    them, and the region the record began in only if it is hers to know."""
    mine = scope.standing_of(subscriber)
    shown = scope.shows_home_region(subscriber)
    where = {"region": subscriber.region.name} if shown else {}
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "organisation": subscriber.organisation,
        "organisation_type": subscriber.org_type,
        "district": subscriber.district.name if subscriber.district else None,
        "sector": subscriber.sector,
        "size": subscriber.size,
        "language": subscriber.language,
        **where,
        "status": mine.status,
        "signed_up_at": _iso(mine.signed_up_at),
        "confirmed_at": _iso(mine.confirmed_at),
        "interests": [topic.name for topic in subscriber.interests],
        "own_fields": dict(subscriber.extra_fields or {}),
    }


def subscriptions(
    subscriber: Subscriber, scope: Scope = EVERYTHING
) -> list[dict[str, Any]]:
    return [
        {
            "list": sub.mailing_list.name,
            "status": sub.status,
            "confirmed_at": _iso(sub.confirmed_at),
            "unsubscribed_at": _iso(sub.unsubscribed_at),
        }
        for sub in scope.subscriptions(subscriber)
    ]


def _text(text: ConsentText | None) -> dict[str, Any] | None:
    if text is None:
        return None
    return {
        "version": text.version,
        "language": text.language,
        "written_at": text.created_at.isoformat(),
        "text": text.text,
    }


def consent_events(
    subscriber: Subscriber, scope: Scope = EVERYTHING
) -> list[dict[str, Any]]:
    """Each event (of the scope's lists) with the consent text and privacy notice
    shown, word for word."""
    return [
        {
            "at": event.at.isoformat(),
            "event": event.kind,
            "list": event.mailing_list.name if event.mailing_list else None,
            "source": event.source,
            "consent_text": _text(event.consent_text),
            "privacy_notice": _text(event.privacy_text),
            "note": event.note,
            "ip_address": event.ip_address,
            "user_agent": event.user_agent,
        }
        for event in scope.events(subscriber, consent_log(subscriber))
    ]


def personal_data(
    session: SessionLike, subscriber: Subscriber, scope: Scope = EVERYTHING
) -> dict[str, Any]:
    """Everything we hold about the person, as plain JSON-ready data; for a
    manager, what the controller she acts for holds (`scope`)."""
    data: dict[str, Any] = {
        "exported_at": utcnow().isoformat(),
        "profile": profile(subscriber, scope),
        "subscriptions": subscriptions(subscriber, scope),
        "consent_log": consent_events(subscriber, scope),
    }
    for source in personal_data_sources():
        data[source.key] = source.export(session, subscriber, scope)
    return data


def consent_log(subscriber: Subscriber) -> list[ConsentEvent]:
    """The subscriber's consent events, oldest first."""
    session = object_session(subscriber)
    if session is None:
        return []
    return list(
        session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.subscriber_id == subscriber.id)
            .order_by(ConsentEvent.at, ConsentEvent.id)
        )
    )
