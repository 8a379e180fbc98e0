"""Importing subscribers from CSV and XLSX files as people really have them.

UTF-8 or Windows-1252, comma, semicolon or tab, German or English headers. The file is
parsed and checked first (a report per row); nothing is written until the manager
confirms, and then all valid rows go in one transaction, or none."""

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

ORG_TYPE_ALIASES = {
    "company": {"company", "unternehmen", "firma"},
    "university": {
        "university",
        "hochschule",
        "universität",
        "forschung",
        "hochschule / forschung",
        "university / research",
    },
    "startup": {"startup", "start-up"},
    "public": {
        "public",
        "kommune",
        "öffentliche stelle",
        "verwaltung",
        "kommune / öffentliche stelle",
        "municipality",
    },
    "network": {"network", "netzwerk", "verband", "netzwerk / verband", "association"},
    "other": {"other", "sonstige", "sonstiges", "andere"},
}


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


def _org_type(value: str) -> str | None:
    key = value.strip().lower()
    for code, aliases in ORG_TYPE_ALIASES.items():
        if key in aliases:
            return code
    return None


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
        values["org_type"] = _org_type(raw["org_type"])
        if values["org_type"] is None:
            report.messages.append(str(_l("unknown organisation type (left empty)")))
    if raw.get("district"):
        district_id = districts.get(raw["district"].strip().lower())
        if district_id is None:
            report.outcome = "skip"
            report.messages.append(
                str(_l("unknown district “%(name)s”", name=raw["district"]))
            )
        values["district_id"] = district_id
    return values


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
    districts = {d.name.lower(): d.id for d in region.districts}
    existing = known_to_controllers_of(session, list_ids)
    seen: set[str] = set()
    reports = []
    for number, row in enumerate(rows, start=2):
        raw = {
            name: row[int(index)].strip() if int(index) < len(row) else ""
            for index, name in mapping.items()
        }
        report = RowReport(line=number, email=raw.get("email", ""), outcome="new")
        if any(has_control_characters(value) for value in raw.values()):
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
