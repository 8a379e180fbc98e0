"""Campaigns for tests, with every built-in block type."""

from sqlalchemy import select

from core.db import db
from core.models import Region
from newsletter.audience.models import MailingList
from newsletter.campaigns.models import Campaign


def every_block(image: str = "demo-picture.png") -> list[dict]:
    return [
        {"id": "b1", "type": "heading", "text": "Neues aus {{ region }}"},
        {
            "id": "b2",
            "type": "text",
            "body": "{{ greeting }},\n\nhier ist **Brückenschlag** mit [Terminen](https://example.org/termine).",
        },
        {
            "id": "b3",
            "type": "image",
            "image": image,
            "alt": "Werkhalle in Olpe",
            "caption": "Foto: Agentur",
            "link": "https://example.org/foto",
        },
        {
            "id": "b4",
            "type": "button",
            "label": "Jetzt mitmachen",
            "url": "https://example.org/mitmachen",
        },
        {"id": "b5", "type": "divider"},
        {
            "id": "b6",
            "type": "columns",
            "left": "**Bedarf**: KI",
            "right": "**Angebot**: Labore",
        },
        {
            "id": "b7",
            "type": "event",
            "title": "Transfertag",
            "date": "12.03.2027, 10:00",
            "place": "Siegen",
            "link": "https://example.org/transfertag",
        },
    ]


def make_campaign(app, region_slug="suedwestfalen", blocks=None, **fields) -> int:
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == region_slug))
        list_id = db.session.scalar(
            select(MailingList.id).where(
                MailingList.slug == f"newsletter-{region_slug}"
            )
        )
        campaign = Campaign(
            region_id=region.id,
            title="Märzausgabe",
            subject={"de": "Brückenschlag März: {{ first_name }}, das ist neu"},
            preheader={"de": "Termine, Bedarfe und Angebote"},
            blocks={"de": every_block() if blocks is None else blocks},
            list_ids=[list_id],
            **fields,
        )
        db.session.add(campaign)
        db.session.commit()
        return campaign.id
