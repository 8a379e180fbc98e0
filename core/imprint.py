"""A region's imprint (§ 5 DDG: name and legal form, address, representatives, a
quick way to reach them by mail and phone, register and number, VAT id) as the
lines pages and mails show, and which of the fields are still empty."""

from flask_babel import lazy_gettext as _l

from core.models import Region

# The fields an administrator fills in, with their labels, in the imprint's order.
IMPRINT_FIELDS = {
    "agency": _l("Name"),
    "legal_form": _l("Legal form"),
    "street": _l("Street and number"),
    "postcode": _l("Postcode"),
    "city": _l("City"),
    "representatives": _l("Represented by"),
    "contact_email": _l("Email"),
    "phone": _l("Phone"),
    "register_court": _l("Register court"),
    "register_number": _l("Register number"),
    "vat_id": _l("VAT identification number"),
    "imprint_note": _l("Further details"),
    "privacy_url": _l("Address of the privacy notice"),
}
# Required of every controller; a register only where the agency is registered.
REQUIRED = (
    "agency",
    "legal_form",
    "street",
    "postcode",
    "city",
    "representatives",
    "contact_email",
    "phone",
    "vat_id",
    "privacy_url",
)


# How the lines name their parts.
REPRESENTED = _l("Represented by")
EMAIL = _l("Email")
PHONE = _l("Phone")
REGISTER = _l("Register")
VAT_ID = _l("VAT ID")


def _labelled(label: object, value: str) -> str:
    return f"{label}: {value}" if value else ""


def imprint_lines(region: Region) -> list[str]:
    """The filled parts of the imprint, one line each."""
    name = region.agency
    if region.legal_form and region.legal_form not in name:
        name = f"{name} ({region.legal_form})"
    place = " ".join(part for part in (region.postcode, region.city) if part)
    contact = (_labelled(EMAIL, region.contact_email), _labelled(PHONE, region.phone))
    register = ", ".join(
        p for p in (region.register_court, region.register_number) if p
    )
    lines = [
        name,
        ", ".join(part for part in (region.street, place) if part),
        _labelled(REPRESENTED, region.representatives),
        ", ".join(part for part in contact if part),
        _labelled(REGISTER, register),
        _labelled(VAT_ID, region.vat_id),
        region.imprint_note,
    ]
    return [line for line in lines if line]


def missing_fields(region: Region) -> list[str]:
    """The labels of required fields that are empty."""
    return [
        str(IMPRINT_FIELDS[name])
        for name in REQUIRED
        if not str(getattr(region, name) or "").strip()
    ]
