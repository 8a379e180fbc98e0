"""The right to erasure, at once (the copy of a person's data is personal_export.py).

Erasure clears every personal field and the consent log, keeps a keyed hash of the
address (so a re-import cannot re-add it silently), and has every room that holds
records about the person delete or unlink them (deliveries stay as anonymous rows of
their campaign, choice answers as anonymous answers: nothing links them to anyone)."""

import hashlib
import hmac

from flask import current_app
from sqlalchemy import delete, select

from core.db import SessionLike, utcnow
from newsletter.audience.models import (
    ConsentEvent,
    ErasedAddress,
    ImportBatch,
    Subscriber,
    SubscriberStatus,
    Subscription,
    SubscriptionStatus,
    SystemMail,
)
from newsletter.audience.personal_data import personal_data_sources
from newsletter.audience.scope import Scope


def address_hash(email: str, key: str) -> str:
    """HMAC-SHA256 of the normalised address under the installation's key."""
    return hmac.new(
        key.encode(), email.strip().lower().encode(), hashlib.sha256
    ).hexdigest()


def was_erased(session: SessionLike, email: str, key: str) -> bool:
    """True if this address was erased before."""
    digest = address_hash(email, key)
    return (
        session.scalar(
            select(ErasedAddress.id).where(ErasedAddress.address_hash == digest)
        )
        is not None
    )


def erase(session: SessionLike, subscriber: Subscriber, key: str) -> None:
    """Remove the person's personal data at once, here and in every room that
    registered records about her (deliveries, survey answers).

    An empty row stays under her number, so that the number is never given to
    somebody else: old links in mails carry it."""
    everything = Scope(None, None)
    for source in personal_data_sources():
        source.erase(session, subscriber, everything)
    if subscriber.email:
        if not was_erased(session, subscriber.email, key):
            session.add(ErasedAddress(address_hash=address_hash(subscriber.email, key)))
        _forget_in_imports(session, subscriber.email)
    for model in (ConsentEvent, SystemMail):
        session.execute(delete(model).where(model.subscriber_id == subscriber.id))
    session.execute(
        delete(Subscription).where(Subscription.subscriber_id == subscriber.id)
    )
    session.expire(subscriber, ["subscriptions"])
    subscriber.email = None
    subscriber.name = ""
    subscriber.organisation = ""
    subscriber.sector = ""
    subscriber.size = ""
    subscriber.org_type = None
    subscriber.district_id = None
    subscriber.interests = []
    subscriber.extra_fields = {}
    subscriber.language = "de"
    # When she signed up is hers too: the empty row only says when it was emptied.
    subscriber.created_at = utcnow()
    subscriber.confirmed_at = None
    subscriber.confirmation_sent_at = None
    subscriber.status = SubscriberStatus.ERASED
    # Her links die with her data, even if the row should ever be used again.
    subscriber.rotate_link_key()
    session.flush()


def erase_held_by(session: SessionLike, subscriber: Subscriber, scope: Scope) -> None:
    """Erase what the scope's controller holds about a person who is on other
    controllers' lists too: her subscriptions to its lists, their consent log, and
    (through every room) its issues sent to her and her answers to its surveys.
    The rest is the other controllers' to keep or erase."""
    for source in personal_data_sources():
        source.erase(session, subscriber, scope)
    list_ids = [sub.list_id for sub in scope.subscriptions(subscriber)]
    for model in (ConsentEvent, Subscription):
        session.execute(
            delete(model).where(
                model.subscriber_id == subscriber.id, model.list_id.in_(list_ids)
            )
        )
    session.expire(subscriber, ["subscriptions"])
    remaining = {sub.status for sub in subscriber.subscriptions}
    if SubscriptionStatus.ACTIVE not in remaining and subscriber.status == (
        SubscriberStatus.ACTIVE
    ):
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
    session.flush()


def _forget_in_imports(session: SessionLike, email: str) -> None:
    """Drop the rows that name the address from uploaded files not yet applied (or
    applied before files were emptied on applying)."""
    wanted = email.strip().lower()
    for batch in session.scalars(select(ImportBatch)):
        rows = (batch.data or {}).get("rows") or []
        kept = [
            row
            for row in rows
            if not any(wanted in str(cell).strip().lower() for cell in row)
        ]
        if len(kept) != len(rows):
            batch.data = {**batch.data, "rows": kept}


def erasure_key() -> str:
    """The key for hashes of erased addresses."""
    return str(current_app.config["ERASURE_KEY"] or current_app.config["SECRET_KEY"])
