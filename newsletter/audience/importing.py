"""Importing subscribers from CSV and XLSX files as people really have them.

The file (newsletter.audience.import_files) is checked first, a report per row:
a row is skipped only for what makes it unusable (no valid address, a duplicate, an
existing subscriber); an unknown value in an optional column is a warning and stays
empty. Nothing is written until the manager confirms, and then all valid rows go in
one transaction, or none."""

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db import SessionLike
from core.input_guard import (
    has_control_characters,
    has_line_break,
    strip_control_characters,
)
from core.models import Region
from newsletter.audience.erasure import was_erased
from newsletter.audience.import_columns import (
    OWN_FIELD,
    district_index,
    district_key,
    org_type,
)
from newsletter.audience.import_files import ImportFileError
from newsletter.audience.models import (
    MailingList,
    Subscriber,
    Subscription,
)
from newsletter.audience.subscriptions import (
    SubscriptionError,
    normalise_address,
)


@dataclass
class RowReport:
    line: int
    email: str
    outcome: str  # "new", "pending", "skip"
    messages: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def importable(self) -> bool:
        return self.outcome in ("new", "pending")


def _profile_values(
    raw: dict[str, str], email: str, districts: dict[str, int], report: RowReport
) -> dict[str, Any]:
    """A row's profile as the subscriber's fields; problems go into the report."""
    values: dict[str, Any] = {"email": email}
    name = raw.get("name") or " ".join(
        part for part in (raw.get("first_name", ""), raw.get("last_name", "")) if part
    )
    values["name"] = name[:120]
    values["organisation"] = raw.get("organisation", "")[:200]
    values["sector"] = raw.get("sector", "")[:80]
    values["size"] = raw.get("size", "")[:20]
    language = raw.get("language", "").lower()[:2]
    values["language"] = "en" if language in ("en", "an", "el") else "de"
    if raw.get("org_type"):
        values["org_type"] = org_type(raw["org_type"])
        if values["org_type"] is None:
            report.messages.append(str(_l("unknown organisation type (left empty)")))
    if raw.get("district"):
        district_id = districts.get(district_key(raw["district"]))
        if district_id is None:
            report.messages.append(
                str(
                    _l("unknown district “%(name)s” (left empty)", name=raw["district"])
                )
            )
        values["district_id"] = district_id
    return values


# one pass over the rows; splitting it would spread one row's report apart
# complexity: each check a short refusal with its reason
def check_rows(
    session: SessionLike,
    region: Region,
    headers: list[str],
    rows: list[list[str]],
    mapping: dict[str, str],
    erasure_key: str,
    list_ids: list[int],
) -> list[RowReport]:
    """A report for every row: what would happen and why, importing into these
    lists."""
    if "email" not in mapping.values():
        raise ImportFileError(str(_l("No column is mapped to the email address.")))
    districts = district_index(region.districts)
    own_fields = {
        int(index): headers[int(index)].strip()[:80]
        for index, name in mapping.items()
        if name == OWN_FIELD and int(index) < len(headers)
    }
    existing = known_to_controllers_of(session, list_ids)
    seen: set[str] = set()
    reports = []
    for number, row in enumerate(rows, start=2):
        raw = {
            name: row[int(index)].strip() if int(index) < len(row) else ""
            for index, name in mapping.items()
            if name != OWN_FIELD
        }
        own = {
            header: row[index].strip()[:500]
            for index, header in own_fields.items()
            if index < len(row) and row[index].strip()
        }
        report = RowReport(line=number, email=raw.get("email", ""), outcome="new")
        if any(has_control_characters(v) for v in [*raw.values(), *own.values()]):
            report.email = strip_control_characters(report.email)
            report.outcome = "skip"
            report.messages.append(str(_l("contains invisible control characters")))
            reports.append(report)
            continue
        if any(has_line_break(v) for k, v in raw.items() if k != "consent"):
            report.outcome = "skip"
            report.messages.append(str(_l("a line break in a one-line field")))
            reports.append(report)
            continue
        try:
            email = normalise_address(raw.get("email", ""))
        except SubscriptionError:
            report.outcome = "skip"
            report.messages.append(str(_l("invalid email address")))
            reports.append(report)
            continue
        report.email = email
        if email in seen:
            report.outcome = "skip"
            report.messages.append(str(_l("duplicate in this file")))
        elif email in existing:
            report.outcome = "skip"
            report.messages.append(str(_l("already a subscriber")))
        seen.add(email)
        values = _profile_values(raw, email, districts, report)
        values["consent"] = raw.get("consent", "")[:300]
        values["extra_fields"] = own
        if report.importable:
            if was_erased(session, email, erasure_key):
                report.outcome = "pending"
                report.messages.append(
                    str(
                        _l(
                            "erased earlier: only with new consent "
                            "(gets the opt-in mail)"
                        )
                    )
                )
                values["consent"] = ""
            elif not values["consent"]:
                report.outcome = "pending"
                report.messages.append(
                    str(_l("no documented consent: gets the opt-in mail"))
                )
        report.values = values
        reports.append(report)
    return reports


def known_to_controllers_of(session: SessionLike, list_ids: list[int]) -> set[str]:
    """The addresses on any list of the controllers of these lists. What another
    controller holds is its own: an import must not tell it."""
    lists = list(session.execute(select(MailingList.id, MailingList.region_id)))
    controllers = {region_id for list_id, region_id in lists if list_id in list_ids}
    theirs = [list_id for list_id, region_id in lists if region_id in controllers]
    return set(
        session.scalars(
            select(Subscriber.email)
            .join(Subscription, Subscription.subscriber_id == Subscriber.id)
            .where(Subscription.list_id.in_(theirs), Subscriber.email.is_not(None))
        )
    )
