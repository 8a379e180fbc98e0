"""The columns of subscriber files, in one place: the export's headers (in the
reader's language) and every spelling the import understands, the export's own
headers in German and English among them, so that an exported file imports back."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l

from core.models import District

LANGUAGES = ("de", "en")
# A column the manager keeps as the person's own field (subscribers.extra_fields).
OWN_FIELD = "extra"


@dataclass(frozen=True)
class Column:
    """A column: the profile field it fills on import (None: the export writes it,
    the import leaves it alone), its header, and further spellings of files."""

    field: str | None
    label: LazyString
    aliases: frozenset[str] = frozenset()


def _spellings(*names: str) -> frozenset[str]:
    return frozenset(names)


# In the order of the export.
EXPORTED = (
    Column(
        "email",
        _l("Email"),
        _spellings(
            "email",
            "e-mail",
            "e-mail-adresse",
            "emailadresse",
            "mail",
            "e-mail address",
            "email address",
            "mailadresse",
        ),
    ),
    Column(
        "name",
        _l("Name"),
        _spellings(
            "name", "vollständiger name", "full name", "ansprechpartner", "kontakt"
        ),
    ),
    Column(
        "organisation",
        _l("Organisation"),
        _spellings(
            "organisation",
            "organization",
            "firma",
            "unternehmen",
            "institution",
            "company",
        ),
    ),
    Column(
        "org_type",
        _l("Type of organisation"),
        _spellings(
            "organisationstyp",
            "art der organisation",
            "typ",
            "type",
            "organisation type",
            "organization type",
        ),
    ),
    Column("district", _l("District"), _spellings("kreis", "landkreis", "district")),
    Column("sector", _l("Sector"), _spellings("branche", "sector", "industry")),
    Column(
        "size",
        _l("Size"),
        _spellings(
            "größe", "groesse", "mitarbeitende", "beschäftigte", "size", "employees"
        ),
    ),
    Column("language", _l("Language"), _spellings("sprache", "language")),
    # Facts of our own records: an import decides them itself.
    Column(None, _l("Region")),
    Column(None, _l("Status")),
    Column(None, _l("Newsletters")),
    Column(None, _l("Signed up")),
    Column(None, _l("Confirmed")),
    Column(None, _l("Own fields")),
)
IMPORT_ONLY = (
    Column(
        "first_name", _l("First name"), _spellings("vorname", "first name", "firstname")
    ),
    Column(
        "last_name",
        _l("Last name"),
        _spellings("nachname", "last name", "lastname", "surname", "familienname"),
    ),
    Column(
        "consent",
        _l("Documented consent"),
        _spellings(
            "einwilligung",
            "einwilligungsquelle",
            "consent",
            "consent source",
            "opt-in",
            "optin",
            "einwilligung quelle",
        ),
    ),
)

# What a column can be assigned to on import, with its name in the page's language.
FIELDS = {
    column.field: column.label
    for column in (*EXPORTED, *IMPORT_ONLY)
    if column.field is not None
}
# How the review page marks a column of our export that the import leaves alone.
EXPORT_ONLY = "export_only"


def export_header() -> list[str]:
    """The export's header row, in the reader's language."""
    return [str(column.label) for column in EXPORTED]


def _key(header: str) -> str:
    return " ".join(header.strip().lower().replace("_", " ").split())


def _names(column: Column) -> set[str]:
    """Every header that means this column: its spellings and its own label in
    each language of the app."""
    names = set(column.aliases)
    for language in LANGUAGES:
        with force_locale(language):
            names.add(_key(str(column.label)))
    return names


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Column index (as text) → field, or EXPORT_ONLY for a column of our export
    that the import does not read; a column of another name is kept as the
    person's own field (the manager may ignore it instead)."""
    known = [(column, _names(column)) for column in (*EXPORTED, *IMPORT_ONLY)]
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = _key(header)
        for column, names in known:
            name = column.field or EXPORT_ONLY
            if (name == EXPORT_ONLY or name not in taken) and (
                key in names or key.replace(" ", "-") in names
            ):
                mapping[str(index)] = name
                taken.add(name)
                break
        else:
            if key:
                mapping[str(index)] = OWN_FIELD
    return mapping


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
