"""Importing subscribers from CSV and XLSX files as people really have them.

UTF-8 or Windows-1252, comma, semicolon or tab, German or English headers. The file is
parsed and checked first (a report per row); nothing is written until the manager
confirms, and then all valid rows go in one transaction, or none."""

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db import SessionLike, utcnow
from core.input_guard import (
    has_control_characters,
    has_line_break,
    strip_control_characters,
)
from core.models import Region
from newsletter.audience.consent import ConsentKind
from newsletter.audience.erasure import was_erased
from newsletter.audience.import_files import ImportFileError
from newsletter.audience.models import (
    ConsentEvent,
    ConsentSource,
    ImportBatch,
    Subscriber,
    SubscriberStatus,
    Subscription,
    SubscriptionStatus,
)
from newsletter.audience.subscriptions import SubscriptionError, normalise_address

FIELDS = {
    "email": _l("Email"),
    "name": _l("Name"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "organisation": _l("Organisation"),
    "org_type": _l("Type of organisation"),
    "district": _l("District"),
    "sector": _l("Sector"),
    "size": _l("Size"),
    "language": _l("Language"),
    "consent": _l("Documented consent"),
}

HEADER_ALIASES = {
    "email": {
        "email",
        "e-mail",
        "e-mail-adresse",
        "emailadresse",
        "mail",
        "e-mail address",
        "email address",
        "mailadresse",
    },
    "name": {"name", "vollständiger name", "full name", "ansprechpartner", "kontakt"},
    "first_name": {"vorname", "first name", "firstname"},
    "last_name": {"nachname", "last name", "lastname", "surname", "familienname"},
    "organisation": {
        "organisation",
        "organization",
        "firma",
        "unternehmen",
        "institution",
        "company",
    },
    "org_type": {
        "organisationstyp",
        "art der organisation",
        "typ",
        "type",
        "organisation type",
        "organization type",
    },
    "district": {"kreis", "landkreis", "district"},
    "sector": {"branche", "sector", "industry"},
    "size": {"größe", "groesse", "mitarbeitende", "beschäftigte", "size", "employees"},
    "language": {"sprache", "language"},
    "consent": {
        "einwilligung",
        "einwilligungsquelle",
        "consent",
        "consent source",
        "opt-in",
        "optin",
        "einwilligung quelle",
    },
}

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


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Column index (as text) → field, from the header names."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = header.strip().lower().replace("_", " ")
        for name, aliases in HEADER_ALIASES.items():
            if name not in taken and (
                key in aliases or key.replace(" ", "-") in aliases
            ):
                mapping[str(index)] = name
                taken.add(name)
                break
    return mapping


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
) -> list[RowReport]:
    """A report for every row: what would happen and why."""
    if "email" not in mapping.values():
        raise ImportFileError(str(_l("No column is mapped to the email address.")))
    districts = {d.name.lower(): d.id for d in region.districts}
    existing = set(
        session.scalars(select(Subscriber.email).where(Subscriber.email.is_not(None)))
    )
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
        documented = report.outcome == "new"
        subscriber = Subscriber(
            email=values["email"],
            name=values.get("name", ""),
            organisation=values.get("organisation", ""),
            org_type=values.get("org_type"),
            district_id=values.get("district_id"),
            sector=values.get("sector", ""),
            size=values.get("size", ""),
            language=values.get("language", "de"),
            region_id=region.id,
            status=SubscriberStatus.ACTIVE if documented else SubscriberStatus.PENDING,
            confirmed_at=now if documented else None,
        )
        session.add(subscriber)
        session.flush()
        for list_id in batch.list_ids:
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
