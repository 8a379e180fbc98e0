"""The columns of an import file: which field each header names, in German or
English, and the values of the coded fields in the spellings people use."""

import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from core.models import District

# A column the manager keeps as the person's own field (subscribers.extra_fields).
OWN_FIELD = "extra"

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


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Column index (as text) → field, from the header names; a column of another
    name is kept as the person's own field (the manager may ignore it instead)."""
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
        else:
            if key:
                mapping[str(index)] = OWN_FIELD
    return mapping


def org_type(value: str) -> str | None:
    """The organisation type a value names, in German or English, or None."""
    key = value.strip().lower()
    for code, aliases in ORG_TYPE_ALIASES.items():
        if key in aliases:
            return code
    return None


UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
DISTRICT_WORDS = {"kreis", "landkreis", "lk", "kr"}


def district_key(name: str) -> str:
    """A district's name without what its spellings differ in: case, spaces and
    hyphens, umlauts or ae, "Kreis"/"Landkreis" before or "-kreis" after it
    ("KREIS  OLPE" and "Olpe", "Maerkischer Kreis", "Hochsauerland")."""
    words = re.sub(r"[^a-z0-9]+", " ", name.casefold().translate(UMLAUTS)).split()
    key = "".join(word for word in words if word not in DISTRICT_WORDS)
    return key.removesuffix("kreis") or key


def district_index(districts: Iterable[District]) -> dict[str, int]:
    """District id by the key of its name, for matching imported values."""
    return {district_key(d.name): d.id for d in districts}
