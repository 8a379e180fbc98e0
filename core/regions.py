"""The regions we start with. More regions are rows, not code: `flask regions init`
creates these if missing and never touches rows that exist."""

from sqlalchemy import select

from core.db import SessionLike
from core.models import District, Region

DEFAULT_REGIONS: list[dict] = [
    {
        "slug": "suedwestfalen",
        "name": "Südwestfalen",
        "agency": "Südwestfalen Agentur GmbH",
        "imprint": "Südwestfalen Agentur GmbH · Musterstraße 1 · 57462 Olpe",
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
        "imprint": "Wirtschaftsförderung Dortmund · Musterplatz 2 · 44135 Dortmund",
        "privacy_url": "/datenschutz/dortmund",
        "sender_name": "Brückenschlag Dortmund",
        "sender_email": "newsletter-do@brueckenschlag.example",
        "reply_to": "transfer@wirtschaftsfoerderung-dortmund.example",
        "districts": [],
    },
]


def ensure_regions(session: SessionLike) -> list[Region]:
    """Create the default regions and districts that are missing; idempotent."""
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
