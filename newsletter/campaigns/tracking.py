"""Counting clicks on the links of a sent issue, as little as that needs.

Each content link in a campaign mail leads through `/link/<id>/<token>`: the id names
a link recorded when the issue was started (so it can only ever lead to a link that
was in the issue: no open redirect), the token is signed and carries a keyed hash of
the reader and their link key instead of their id. A click is counted on the GET of
that link (see the README: a HEAD never counts, repeats within CLICK_REPEAT_SECONDS
count once), which makes the figures an upper bound: mail scanners open links too."""

import hashlib
import hmac
import html
import re
from dataclasses import replace
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.db import SessionLike, utcnow
from core.links import external_url
from newsletter.audience.tokens import LinkError, make_token, read_token
from newsletter.campaigns.editing import LANGUAGES
from newsletter.campaigns.models import Campaign, CampaignLink, LinkClick
from newsletter.campaigns.rendering import Compiled, compile_campaign

HREF = re.compile(r'href="(https?://[^"]+)"')
TOKEN_MARK = "CLICK-TOKEN"  # noqa: S105 - a mark, not a secret
CLICK_TOKEN = "{{ click_token }}"  # noqa: S105 - a placeholder


def content_links(compiled_html: str) -> list[str]:
    """The issue's links to other sites, in order; our own pages (unsubscribe,
    settings, privacy, archive) stay direct."""
    ours = current_app.config["BASE_URL"].rstrip("/") + "/"
    found: list[str] = []
    for escaped in HREF.findall(compiled_html):
        url = html.unescape(escaped)
        if not url.startswith(ours) and url not in found and len(url) <= 2000:
            found.append(url)
    return found


def record_links(session: SessionLike, campaign: Campaign) -> None:
    """Keep the links of every language of the issue as it goes out."""
    known = set(
        session.scalars(
            select(CampaignLink.url).where(CampaignLink.campaign_id == campaign.id)
        )
    )
    for language in LANGUAGES:
        if not campaign.blocks_for(language):
            continue
        for url in content_links(compile_campaign(campaign, language).html):
            if url not in known:
                session.add(CampaignLink(campaign_id=campaign.id, url=url))
                known.add(url)
    session.flush()


def recorded_links(session: SessionLike, campaign_id: int) -> dict[str, int]:
    """URL → link id of the issue's recorded links."""
    rows = session.execute(
        select(CampaignLink.url, CampaignLink.id).where(
            CampaignLink.campaign_id == campaign_id
        )
    )
    return dict(rows.all())


def tracked(compiled: Compiled, links: dict[str, int]) -> Compiled:
    """The issue with each recorded link replaced by its click link, which carries
    a {{ click_token }} for each recipient's token."""
    if not links:
        return compiled
    redirects = {
        url: external_url(
            "newsletter.follow_link", link_id=link_id, token=TOKEN_MARK
        ).replace(TOKEN_MARK, CLICK_TOKEN)
        for url, link_id in links.items()
    }

    def in_html(match: re.Match[str]) -> str:
        target = redirects.get(html.unescape(match.group(1)))
        return f'href="{target}"' if target else match.group(0)

    in_text = re.compile(
        "("
        + "|".join(re.escape(url) for url in sorted(redirects, key=len, reverse=True))
        + r')(?=[\s)\]>"]|$)'
    )
    return replace(
        compiled,
        html=HREF.sub(in_html, compiled.html),
        text=in_text.sub(lambda match: redirects[match.group(1)], compiled.text),
    )


def click_token(
    campaign_id: int, subscriber_id: int, link_key: str, region_id: int | None
) -> str:
    """One recipient's token for the click links of an issue."""
    reader = hmac.new(
        str(current_app.config["SECRET_KEY"]).encode(),
        f"{campaign_id}:{subscriber_id}:{link_key}".encode(),
        hashlib.sha256,
    ).hexdigest()[:32]
    return make_token("click", {"c": campaign_id, "r": reader, "g": region_id})


def link_for(
    session: SessionLike, link_id: int, token: str
) -> tuple[CampaignLink, dict]:
    """The link a click link leads to, and its token's payload; LinkError if the
    token is not one of this issue's."""
    payload = read_token("click", token)
    link = session.get(CampaignLink, link_id)
    if link is None or payload.get("c") != link.campaign_id:
        raise LinkError(expired=False)
    return link, payload


def count_click(session: SessionLike, link: CampaignLink, payload: dict) -> None:
    """Count one click of the reader; a repeat within CLICK_REPEAT_SECONDS (a
    scanner opening the link right after the person, a double click) counts once."""
    now = utcnow()
    reader = str(payload.get("r", ""))[:32]
    repeat = timedelta(seconds=current_app.config["CLICK_REPEAT_SECONDS"])
    known = session.scalar(
        select(LinkClick).where(
            LinkClick.link_id == link.id, LinkClick.reader == reader
        )
    )
    if known is not None:
        if known.last_at <= now - repeat:
            known.clicks += 1
            known.last_at = now
        return
    region_id = payload.get("g")
    try:
        with session.begin_nested():
            session.add(
                LinkClick(
                    link_id=link.id,
                    reader=reader,
                    region_id=region_id if isinstance(region_id, int) else None,
                    last_at=now,
                )
            )
    except IntegrityError:
        pass  # the same reader's click a moment ago, in another request
