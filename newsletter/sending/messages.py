"""Each recipient's message, from a prebuilt one per campaign and language: only
names and signed links are filled in, then the bytes are DKIM-signed if set up."""

import socket
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr
from typing import Any

from flask import Flask

from core.db import db
from core.dkim import Signer
from core.links import external_url
from newsletter.audience.tokens import preferences_token, unsubscribe_token
from newsletter.campaigns.editing import LANGUAGES
from newsletter.campaigns.models import Campaign
from newsletter.campaigns.rendering import (
    Personaliser,
    Recipient,
    compile_campaign,
    language_for,
    list_headers,
    personal_values,
    personalisers,
    sender_for,
)
from newsletter.campaigns.tracking import click_token, recorded_links, tracked
from newsletter.campaigns.web_links import web_token
from newsletter.sending.mime import PreparedMessage, dated_now, encode_header, render
from newsletter.sending.verp import verp_address

# Stands in for each recipient's signed token in the prebuilt link patterns.
RECIPIENT_LINK_MARK = "RECIPIENT-TOKEN"


@dataclass(frozen=True)
class CampaignInfo:
    personalisers: list[Personaliser]
    web_urls: dict[str, str]  # per language, with a mark for the recipient's token
    region_name: str
    envelope_sender: str
    domain: str
    list_headers: dict[str, str]


class MessageBuilder:
    """Builds messages for one sender; keeps what is shared per campaign."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.signer = Signer.from_config(app.config)
        verp = app.config.get("MAIL_VERP", True)
        self.verp_key = str(app.config["SECRET_KEY"]) if verp else ""
        self._prepared: dict[tuple[int, str], PreparedMessage] = {}
        self._campaigns: dict[int, CampaignInfo] = {}

    def forget(self) -> None:
        """Read campaigns afresh (once per run): a standing campaign's text may have
        been edited since."""
        self._prepared.clear()
        self._campaigns.clear()

    def build(self, row: Any, links: dict[str, str]) -> tuple[str, bytes]:
        """Message-ID and bytes for one recipient (a retry keeps its Message-ID)."""
        info = self.campaign(row.campaign_id)
        prepared = self.prepared(row.campaign_id, row.language)
        message_id = row.message_id or make_msgid(domain=info.domain)
        unsubscribe = links["unsubscribe"].replace(
            RECIPIENT_LINK_MARK,
            unsubscribe_token(row.subscriber_id, row.list_id, row.campaign_id),
        )
        values = {
            **personal_values(
                row.name or "",
                row.organisation or "",
                info.region_name,
                prepared.compiled.language,
                prepared.greetings,
            ),
            "unsubscribe_url": unsubscribe,
            "preferences_url": links["preferences"].replace(
                RECIPIENT_LINK_MARK, preferences_token(row.subscriber_id, row.link_key)
            ),
            "web_url": info.web_urls[prepared.compiled.language].replace(
                RECIPIENT_LINK_MARK,
                web_token(
                    row.subscriber_id, row.list_id, row.campaign_id, row.link_key
                ),
            ),
        }
        if prepared.tracks_clicks:
            values["click_token"] = click_token(
                row.campaign_id, row.subscriber_id, row.link_key, row.region_id
            )
        for personaliser in info.personalisers:
            values.update(personaliser(Recipient(row.subscriber_id, row.link_key)))
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>" + links["mailto"],
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Brueckenschlag-Delivery": str(row.id),
            **info.list_headers,
        }
        raw = render(
            prepared,
            to=row.email,
            values=values,
            message_id=message_id,
            headers=headers,
        )
        return message_id, self.signer.sign(raw) if self.signer else raw

    @property
    def signs(self) -> bool:
        """Messages are DKIM-signed: the signature covers Date, so a message must be
        built when it goes, not a batch ahead."""
        return self.signer is not None

    def dated(self, raw: bytes) -> bytes:
        """The message as it goes now: with this moment as its Date (a signed one
        was built just now and keeps the Date it was signed with)."""
        return raw if self.signer else dated_now(raw)

    def prepared(self, campaign_id: int, language: str) -> PreparedMessage:
        key = (campaign_id, language or "de")
        if key not in self._prepared:
            campaign = db.session.get(Campaign, campaign_id)
            assert campaign is not None  # noqa: S101 - foreign key
            language = language_for(campaign, language or "de")
            links = recorded_links(db.session, campaign_id)
            self._prepared[key] = PreparedMessage.build(
                tracked(compile_campaign(campaign, language), links),
                sender_for(campaign),
                tracks_clicks=bool(links),
            )
        return self._prepared[key]

    def campaign(self, campaign_id: int) -> "CampaignInfo":
        if campaign_id not in self._campaigns:
            campaign = db.session.get(Campaign, campaign_id)
            assert campaign is not None  # noqa: S101 - foreign key
            address = parseaddr(sender_for(campaign))[1]
            self._campaigns[campaign_id] = CampaignInfo(
                personalisers=personalisers(campaign),
                web_urls={
                    language: external_url(
                        "newsletter.web_version",
                        campaign_id=campaign_id,
                        lang=language,
                        token=RECIPIENT_LINK_MARK,
                    )
                    for language in LANGUAGES
                },
                region_name=campaign.region.name if campaign.region else "",
                envelope_sender=self.app.config.get("MAIL_RETURN_PATH") or address,
                domain=address.rsplit("@", 1)[-1] or socket.getfqdn(),
                list_headers={
                    name: encode_header(value)
                    for name, value in list_headers(campaign).items()
                },
            )
        return self._campaigns[campaign_id]

    def envelope_for(self, row: Any) -> str:
        """The envelope sender of one delivery: its VERP address, or the campaign's
        return path when VERP is off."""
        base = self.campaign(row.campaign_id).envelope_sender
        if not self.verp_key:
            return base
        return verp_address(base, row.id, self.verp_key)

    def link_patterns(self) -> dict[str, str]:
        mailto = self.app.config.get("MAIL_UNSUBSCRIBE_MAILTO") or ""
        return {
            "unsubscribe": external_url(
                "newsletter.unsubscribe_page", token=RECIPIENT_LINK_MARK
            ),
            "preferences": external_url(
                "newsletter.preferences", token=RECIPIENT_LINK_MARK
            ),
            "mailto": f", <mailto:{mailto}?subject=unsubscribe>" if mailto else "",
        }
