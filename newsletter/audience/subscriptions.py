"""Sign-up, confirmation, unsubscribe and preferences: the consent lifecycle.

Every change of consent writes a ConsentEvent; services flush, callers commit, and mail
goes out after the commit.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db import SessionLike, utcnow
from core.models import Region
from newsletter.audience.consent import ConsentKind
from newsletter.audience.models import (
    ConsentEvent,
    ConsentSource,
    MailingList,
    Subscriber,
    SubscriberStatus,
    Subscription,
    SubscriptionStatus,
    TextKind,
    Topic,
)
from newsletter.audience.shown_texts import ShownTexts, texts_for

RESEND_INTERVAL = timedelta(minutes=10)


class SubscriptionError(Exception):
    """A problem the person can fix; the message is shown to them."""


@dataclass
class Profile:
    """What a person may tell about themselves; only the email is required."""

    email: str
    name: str = ""
    organisation: str = ""
    org_type: str | None = None
    district_id: int | None = None
    sector: str = ""
    size: str = ""
    language: str = "de"
    topic_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class RequestMeta:
    """What the person's request tells: network details (kept only when the setting
    says so) and the language of the page, in which she read the consent text."""

    ip_address: str | None = None
    user_agent: str | None = None
    language: str | None = None
    # The texts the form showed (its hidden fields); None where no form did.
    shown: ShownTexts | None = None


def normalise_address(email: str) -> str:
    """The address as we store it, or SubscriptionError for an invalid one."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise SubscriptionError(
            str(_l("Please enter a valid email address, like name@example.org."))
        ) from None
    return result.normalized.lower()


def find_by_email(session: SessionLike, email: str) -> Subscriber | None:
    """The subscriber with this (normalised) address."""
    return session.scalar(select(Subscriber).where(Subscriber.email == email))


def allowed_lists(session: SessionLike, region: Region) -> list[MailingList]:
    """The lists one can subscribe to on a region's page: its own and the joint ones."""
    return list(
        session.scalars(
            select(MailingList)
            .where(
                (MailingList.region_id == region.id) | MailingList.region_id.is_(None)
            )
            .order_by(MailingList.region_id.is_(None), MailingList.name)
        )
    )


def preference_lists(session: SessionLike, subscriber: Subscriber) -> list[MailingList]:
    """The lists her settings offer: her region's page's, and every list she is on
    whoever controls it (she joined another region's list on its page)."""
    offered = allowed_lists(session, subscriber.region)
    known = {mailing_list.id for mailing_list in offered}
    hers = [
        sub.mailing_list for sub in subscriber.subscriptions if sub.list_id not in known
    ]
    return offered + sorted(hers, key=lambda mailing_list: mailing_list.name)


def log_consent(
    session: SessionLike,
    subscriber: Subscriber,
    kind: str,
    source: str,
    list_id: int | None = None,
    meta: RequestMeta | None = None,
) -> ConsentEvent:
    """Append a consent event pointing at the texts of the list's controller: those
    the form showed, else the current ones in the language shown (the page's, else
    the subscriber's: mails and the confirmation page show them in hers)."""
    meta = meta or RequestMeta()
    language = meta.language or subscriber.language
    mailing_list = session.get(MailingList, list_id) if list_id else None
    scope = mailing_list.region_id if mailing_list else subscriber.region_id
    if meta.shown is not None:
        shown = meta.shown
    else:
        shown = texts_for(session, [scope], language)
    # A change of details agrees to nothing: no consent text.
    agreed = mailing_list is not None and kind != ConsentKind.CHANGED
    consent = shown.find(TextKind.CONSENT, scope) if agreed else None
    privacy = shown.find(TextKind.PRIVACY, scope)
    event = ConsentEvent(
        subscriber_id=subscriber.id,
        list_id=list_id,
        kind=kind,
        source=source,
        consent_text_id=consent.id if consent else None,
        privacy_text_id=privacy.id if privacy else None,
        ip_address=meta.ip_address,
        user_agent=meta.user_agent,
    )
    session.add(event)
    return event


def _apply_profile(
    session: SessionLike, subscriber: Subscriber, profile: Profile
) -> None:
    subscriber.name = profile.name.strip()
    subscriber.organisation = profile.organisation.strip()
    subscriber.org_type = profile.org_type or None
    subscriber.district_id = profile.district_id or None
    subscriber.sector = profile.sector.strip()
    subscriber.size = profile.size
    subscriber.language = profile.language if profile.language in ("de", "en") else "de"
    subscriber.interests = (
        list(session.scalars(select(Topic).where(Topic.id.in_(profile.topic_ids))))
        if profile.topic_ids
        else []
    )


def sign_up(
    session: SessionLike,
    region: Region,
    profile: Profile,
    list_ids: list[int],
    source: str = ConsentSource.FORM,
    meta: RequestMeta | None = None,
    now: datetime | None = None,
) -> tuple[Subscriber, list[int]]:
    """Record a sign-up as pending; returns the subscriber and the list ids a
    confirmation mail should now ask for (empty: send nothing).

    An address that exists keeps its data: whoever types it learns nothing and changes
    nothing, and at most the new lists await confirmation."""
    now = now or utcnow()
    email = normalise_address(profile.email)
    offered = {mailing_list.id for mailing_list in allowed_lists(session, region)}
    wanted = [list_id for list_id in dict.fromkeys(list_ids) if list_id in offered]
    if not wanted:
        raise SubscriptionError(str(_l("Please choose at least one newsletter.")))
    subscriber = find_by_email(session, email)
    if subscriber is None:
        subscriber = Subscriber(email=email, region_id=region.id)
        _apply_profile(session, subscriber, profile)
        session.add(subscriber)
        session.flush()
    asked_before = {
        sub.list_id
        for sub in subscriber.subscriptions
        if sub.status == SubscriptionStatus.PENDING
    }
    pending = _ask_for_lists(session, subscriber, wanted, source, meta)
    first_asked = [list_id for list_id in pending if list_id not in asked_before]
    if subscriber.status in (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.PENDING):
        subscriber.status = (
            SubscriberStatus.ACTIVE
            if subscriber.confirmed_at and _has_active(subscriber)
            else SubscriberStatus.PENDING
        )
    session.flush()
    return subscriber, _lists_to_confirm(subscriber, pending, first_asked, now)


def _ask_for_lists(
    session: SessionLike,
    subscriber: Subscriber,
    wanted: list[int],
    source: str,
    meta: RequestMeta | None,
) -> list[int]:
    """Mark the wanted lists that are not active yet as pending, with a consent
    event each; returns their ids."""
    current = {sub.list_id: sub for sub in subscriber.subscriptions}
    pending = []
    for list_id in wanted:
        subscription = current.get(list_id)
        if (
            subscription is not None
            and subscription.status == SubscriptionStatus.ACTIVE
        ):
            continue
        if subscription is None:
            subscription = Subscription(list_id=list_id)
            subscriber.subscriptions.append(subscription)
        subscription.status = SubscriptionStatus.PENDING
        pending.append(list_id)
        log_consent(session, subscriber, ConsentKind.SIGNUP, source, list_id, meta)
    return pending


def _lists_to_confirm(
    subscriber: Subscriber, pending: list[int], first_asked: list[int], now: datetime
) -> list[int]:
    """What a confirmation mail should ask for now: nothing when no list is new,
    a mail went out recently and asked for every list (the throttle against mail
    bombing; a list asked for the first time, say in the other region, is not
    held back by it), or the address bounced."""
    recently = subscriber.confirmation_sent_at and (
        now - subscriber.confirmation_sent_at < RESEND_INTERVAL
    )
    if (
        not pending
        or (recently and not first_asked)
        or subscriber.status == SubscriberStatus.BOUNCED
    ):
        return []
    return [
        sub.list_id
        for sub in subscriber.subscriptions
        if sub.status == SubscriptionStatus.PENDING
    ]


def _log_change(
    session: SessionLike, subscriber: Subscriber, meta: RequestMeta
) -> None:
    """A change of details is logged for each list she is on, so that every
    controller's log holds it."""
    lists = [
        sub.list_id
        for sub in subscriber.subscriptions
        if sub.status != SubscriptionStatus.UNSUBSCRIBED
    ]
    for list_id in lists if lists else [None]:
        log_consent(
            session, subscriber, ConsentKind.CHANGED, ConsentSource.FORM, list_id, meta
        )


def _has_active(subscriber: Subscriber) -> bool:
    return any(
        sub.status == SubscriptionStatus.ACTIVE for sub in subscriber.subscriptions
    )


def record_confirmation_sent(
    session: SessionLike, subscriber: Subscriber, list_ids: list[int], source: str
) -> None:
    """Note that the opt-in mail went out (after the SMTP server accepted it)."""
    subscriber.confirmation_sent_at = utcnow()
    for list_id in list_ids:
        log_consent(session, subscriber, ConsentKind.CONFIRMATION_SENT, source, list_id)
    session.flush()


def confirm(
    session: SessionLike,
    subscriber_id: int,
    list_ids: list[int],
    meta: RequestMeta | None = None,
) -> Subscriber:
    """Activate the pending subscriptions the link names; repeating it is harmless."""
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None or subscriber.status == SubscriberStatus.ERASED:
        raise SubscriptionError(str(_l("This sign-up no longer exists.")))
    now = utcnow()
    for subscription in subscriber.subscriptions:
        if (
            subscription.list_id in list_ids
            and subscription.status == SubscriptionStatus.PENDING
        ):
            subscription.status = SubscriptionStatus.ACTIVE
            subscription.confirmed_at = now
            subscription.unsubscribed_at = None
            log_consent(
                session,
                subscriber,
                ConsentKind.CONFIRMED,
                ConsentSource.FORM,
                subscription.list_id,
                meta,
            )
    if _has_active(subscriber) and subscriber.status != SubscriberStatus.BOUNCED:
        subscriber.status = SubscriberStatus.ACTIVE
        subscriber.confirmed_at = subscriber.confirmed_at or now
    session.flush()
    return subscriber


def unsubscribe(
    session: SessionLike,
    subscriber_id: int,
    list_id: int,
    source: str = ConsentSource.FORM,
    campaign_id: int | None = None,
) -> Subscriber | None:
    """Withdraw consent for one list at once; harmless when repeated. `campaign_id`:
    the issue whose link it came through."""
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None or subscriber.status == SubscriberStatus.ERASED:
        return None
    for subscription in subscriber.subscriptions:
        if subscription.list_id == list_id and subscription.status != (
            SubscriptionStatus.UNSUBSCRIBED
        ):
            subscription.status = SubscriptionStatus.UNSUBSCRIBED
            subscription.unsubscribed_at = utcnow()
            event = log_consent(
                session, subscriber, ConsentKind.WITHDRAWN, source, list_id
            )
            event.campaign_id = campaign_id
    if not _has_active(subscriber) and subscriber.status == SubscriberStatus.ACTIVE:
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
    session.flush()
    return subscriber


def update_preferences(
    session: SessionLike,
    subscriber: Subscriber,
    profile: Profile,
    list_ids: list[int],
    texts: ShownTexts | None = None,
) -> None:
    """Save what the person changed in the preference centre.

    The link came from their own mailbox, so a list they add is confirmed at once,
    with the consent text the page showed (`texts`; else the current one in her
    language before this change)."""
    shown = RequestMeta(language=subscriber.language, shown=texts)
    _apply_profile(session, subscriber, profile)
    offered = {ml.id for ml in preference_lists(session, subscriber)}
    current = {sub.list_id: sub for sub in subscriber.subscriptions}
    for list_id in offered:
        subscription = current.get(list_id)
        active = subscription is not None and subscription.status == (
            SubscriptionStatus.ACTIVE
        )
        if list_id in list_ids and not active:
            if subscription is None:
                subscription = Subscription(list_id=list_id)
                subscriber.subscriptions.append(subscription)
            subscription.status = SubscriptionStatus.ACTIVE
            subscription.confirmed_at = utcnow()
            session.flush()
            log_consent(
                session,
                subscriber,
                ConsentKind.CONFIRMED,
                ConsentSource.FORM,
                list_id,
                shown,
            )
        elif list_id not in list_ids and active:
            unsubscribe(session, subscriber.id, list_id)
    _log_change(session, subscriber, shown)
    if _has_active(subscriber) and subscriber.status in (
        SubscriberStatus.UNSUBSCRIBED,
        SubscriberStatus.PENDING,
    ):
        subscriber.status = SubscriberStatus.ACTIVE
        subscriber.confirmed_at = subscriber.confirmed_at or utcnow()
    session.flush()
