"""Writing the checked rows of an import: new addresses become subscribers; an
address another controller holds keeps its record and only gets the importing
controller's lists, as pending: the consent documented for the import is not the
person's word for that record, so she gets the opt-in mail."""

from typing import Any

from core.db import SessionLike, utcnow
from core.models import Region
from newsletter.audience.consent import ConsentKind
from newsletter.audience.importing import RowReport
from newsletter.audience.models import (
    ConsentEvent,
    ConsentSource,
    ImportBatch,
    Subscriber,
    SubscriberStatus,
    Subscription,
    SubscriptionStatus,
)
from newsletter.audience.subscriptions import find_by_email


def apply_import(
    session: SessionLike, batch: ImportBatch, region: Region, reports: list[RowReport]
) -> list[Subscriber]:
    """Write every importable row; returns the new pending subscribers, who need the
    opt-in mail after the commit."""
    pending = []
    now = utcnow()
    for report in reports:
        if not report.importable:
            continue
        values = report.values
        # Known to another controller: its record stays as it is, only the
        # importing controller's lists are added, awaiting her confirmation.
        known = find_by_email(session, values["email"])
        subscriber = known or _new_subscriber(session, values, region)
        documented = report.outcome == "new" and known is None
        if documented and subscriber.status in (
            SubscriberStatus.PENDING,
            SubscriberStatus.UNSUBSCRIBED,
        ):
            subscriber.status = SubscriberStatus.ACTIVE
            subscriber.confirmed_at = subscriber.confirmed_at or now
        held = {sub.list_id for sub in subscriber.subscriptions}
        for list_id in batch.list_ids:
            if list_id in held:
                continue
            subscriber.subscriptions.append(
                Subscription(
                    list_id=list_id,
                    status=SubscriptionStatus.ACTIVE
                    if documented
                    else (SubscriptionStatus.PENDING),
                    confirmed_at=now if documented else None,
                )
            )
            session.add(
                ConsentEvent(
                    subscriber_id=subscriber.id,
                    list_id=list_id,
                    kind=ConsentKind.CONFIRMED if documented else ConsentKind.SIGNUP,
                    source=ConsentSource.IMPORT,
                    note=(values.get("consent") or "")[:300],
                )
            )
        if not documented:
            pending.append(subscriber)
    batch.applied_at = now
    # The file's rows are in the subscribers now; a copy would outlive erasures.
    batch.data = {"headers": batch.data.get("headers", []), "rows": []}
    session.flush()
    return pending


def _new_subscriber(
    session: SessionLike, values: dict[str, Any], region: Region
) -> Subscriber:
    subscriber = Subscriber(
        email=values["email"],
        name=values.get("name", ""),
        organisation=values.get("organisation", ""),
        org_type=values.get("org_type"),
        district_id=values.get("district_id"),
        sector=values.get("sector", ""),
        size=values.get("size", ""),
        language=values.get("language", "de"),
        extra_fields=values.get("extra_fields", {}),
        region_id=region.id,
        status=SubscriberStatus.PENDING,
    )
    session.add(subscriber)
    session.flush()
    return subscriber
