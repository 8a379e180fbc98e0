"""Importing subscribers from CSV and XLSX files as people really have them.

UTF-8 or Windows-1252, comma, semicolon or tab, German or English headers. The file is
parsed and checked first (a report per row); nothing is written until the manager
confirms, and then all valid rows go in one transaction, or none."""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db import SessionLike, utcnow
from core.input_guard import has_control_characters, strip_control_characters
from core.models import Region
from newsletter.audience.consent import ConsentKind
from newsletter.audience.erasure import was_erased
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


class ImportFileError(Exception):
    """The file cannot be read at all; the message says why."""


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


# A file is read in the request: these bound its work (rows, and for XLSX the size
# of the unpacked XML, checked before the workbook is opened).
MAX_IMPORT_ROWS = 50_000
MAX_UNPACKED_BYTES = 40 * 1024 * 1024


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        str(
            _l(
                "The file has more than %(n)s rows. "
                "Please split it into smaller files.",
                n=f"{MAX_IMPORT_ROWS:,}".replace(",", "."),
            )
        )
    )


def _check_unpacked_size(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        return  # openpyxl says it in its own words
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            str(
                _l(
                    "The workbook unpacks to more than %(mb)s MB. Please save it "
                    "with fewer rows or as CSV.",
                    mb=MAX_UNPACKED_BYTES // (1024 * 1024),
                )
            )
        )


def read_table(filename: str, content: bytes) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of a CSV or XLSX file, as text."""
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(content)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes) -> tuple[list[str], list[list[str]]]:
    text = _decode(content)
    if not text.strip():
        raise ImportFileError(str(_l("The file is empty.")))
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [
            row
            for row in islice(
                csv.reader(io.StringIO(text), dialect), MAX_IMPORT_ROWS + 2
            )
            if any(c.strip() for c in row)
        ]
    except csv.Error:  # a field over the csv module's limit of 128 KB, say
        raise ImportFileError(
            str(_l("The file could not be read as CSV (a field is far too long)."))
        ) from None
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise _too_many_rows()
    if not rows:
        raise ImportFileError(str(_l("The file is empty.")))
    return [h.strip() for h in rows[0]], [[c.strip() for c in row] for row in rows[1:]]


def _read_xlsx(content: bytes) -> tuple[list[str], list[list[str]]]:
    _check_unpacked_size(content)
    # Imported here, not at the top: senders never read workbooks (issue #20).
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            str(_l("The file could not be read as an Excel workbook (.xlsx)."))
        ) from None
    sheet = workbook.worksheets[0]
    rows = [
        ["" if value is None else str(value).strip() for value in row]
        for row in islice(sheet.iter_rows(values_only=True), MAX_IMPORT_ROWS + 2)
    ]
    workbook.close()
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise _too_many_rows()
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise ImportFileError(str(_l("The file is empty.")))
    return rows[0], rows[1:]


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
