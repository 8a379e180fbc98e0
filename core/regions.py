"""The regions we start with. More regions are rows, not code: `flask regions init`
creates these if missing and never touches rows that exist."""

import re
from collections.abc import Iterable

from sqlalchemy import select

from core.db import SessionLike
from core.models import District, JointSender, Region

# Plausible demo values: an administrator replaces them in the browser
# (Administration → Regionen und Impressum) before going live.
DEFAULT_REGIONS: list[dict] = [
    {
        "slug": "suedwestfalen",
        "name": "Südwestfalen",
        "agency": "Südwestfalen Agentur GmbH",
        "short_name": "SWA",
        "legal_form": "GmbH",
        "street": "Musterstraße 1",
        "postcode": "57462",
        "city": "Olpe",
        "representatives": "Dr. Maria Beispiel (Geschäftsführerin)",
        "contact_email": "info@suedwestfalen-agentur.example",
        "phone": "+49 2761 90000-0",
        "register_court": "Amtsgericht Siegen",
        "register_number": "HRB 12345",
        "vat_id": "DE123456789",
        "privacy_url": "/datenschutz/suedwestfalen",
        "sender_name": "Brückenschlag Südwestfalen",
        "sender_email": "newsletter-swf@brueckenschlag.example",
        "reply_to": "transfer@suedwestfalen-agentur.example",
        "districts": [
            "Hochsauerlandkreis",
            "Märkischer Kreis",
            "Kreis Olpe",
            "Kreis Siegen-Wittgenstein",
            "Kreis Soest",
        ],
    },
    {
        "slug": "dortmund",
        "name": "Dortmund",
        "agency": "Wirtschaftsförderung Dortmund",
        "short_name": "WFDO",
        "legal_form": "Eigenbetrieb der Stadt Dortmund",
        "street": "Musterplatz 2",
        "postcode": "44135",
        "city": "Dortmund",
        "representatives": "Erika Musterfrau (Betriebsleiterin) für die Stadt Dortmund",
        "contact_email": "info@wirtschaftsfoerderung-dortmund.example",
        "phone": "+49 231 50-00000",
        "register_court": "",
        "register_number": "",
        "vat_id": "DE987654321",
        "imprint_note": "Als Eigenbetrieb der Stadt Dortmund nicht im Handelsregister "
        "eingetragen.",
        "privacy_url": "/datenschutz/dortmund",
        "sender_name": "Brückenschlag Dortmund",
        "sender_email": "newsletter-do@brueckenschlag.example",
        "reply_to": "transfer@wirtschaftsfoerderung-dortmund.example",
        "districts": [],
    },
]


# The joint list's sender names both agencies, the joint controllers.
DEFAULT_JOINT_SENDER = {
    "sender_name": "Brückenschlag: Südwestfalen Agentur GmbH und "
    "Wirtschaftsförderung Dortmund",
    "sender_email": "newsletter-interregional@brueckenschlag.example",
}


def ensure_regions(session: SessionLike) -> list[Region]:
    """Create the default regions and districts that are missing; idempotent. A
    fresh installation gets the joint list's demo sender too (an existing one
    keeps sending from MAIL_FROM until an administrator sets it)."""
    if not all_regions(session):
        session.add(JointSender(**DEFAULT_JOINT_SENDER))
    regions = []
    for spec in DEFAULT_REGIONS:
        region = session.scalar(select(Region).where(Region.slug == spec["slug"]))
        if region is None:
            fields = {key: value for key, value in spec.items() if key != "districts"}
            region = Region(**fields)
            session.add(region)
            session.flush()
        known = {district.name for district in region.districts}
        for name in spec["districts"]:
            if name not in known:
                session.add(District(region_id=region.id, name=name))
        regions.append(region)
    session.flush()
    return regions


def all_regions(session: SessionLike) -> list[Region]:
    """Every region, by name."""
    return list(session.scalars(select(Region).order_by(Region.name)))


def agencies_not_named(sender_name: str, regions: Iterable[Region]) -> list[Region]:
    """The regions whose agency the sender name names neither by its name nor by
    its short name (as a word of its own, in any case)."""
    return [
        region
        for region in regions
        if not any(
            re.search(rf"(?<!\w){re.escape(name)}(?!\w)", sender_name, re.IGNORECASE)
            for name in (region.agency, region.short_name)
            if name.strip()
        )
    ]


def joint_sender(session: SessionLike) -> JointSender | None:
    """The joint list's sender, if one is set."""
    return session.scalar(select(JointSender).order_by(JointSender.id).limit(1))
