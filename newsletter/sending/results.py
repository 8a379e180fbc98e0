"""What became of an issue: its deliveries, unsubscribes through its links, clicks
per link, and how it compares with the region's previous issues. Counts only:
nothing here names a person."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import distinct, func, select

from core.db import SessionLike
from core.home import Panel
from core.models import Region
from core.registry import registry
from newsletter.audience.consent import ConsentKind
from newsletter.audience.models import ConsentEvent, Subscriber
from newsletter.campaigns.models import Campaign, CampaignLink, LinkClick
from newsletter.sending.models import Delivery, DeliveryStatus
from newsletter.sending.outbox import progress

COMPARED_ISSUES = 6

SectionFunction = Callable[[Campaign], Panel | None]


def add_results_section(app: Flask, section: SectionFunction) -> None:
    """Show a section on every issue's results page (surveys: its answers)."""
    registry(app).results_sections.append(section)


def results_sections(campaign: Campaign) -> list[Panel]:
    found = [p for f in registry().results_sections if (p := f(campaign))]
    return sorted(found, key=lambda panel: panel.order)


@dataclass(frozen=True)
class Outcome:
    delivered: int
    bounced: int
    failed: int
    uncertain: int
    skipped: int
    unsubscribed: int


@dataclass(frozen=True)
class LinkFigures:
    url: str
    clicks: int
    readers: int


@dataclass(frozen=True)
class RegionBar:
    region: str
    slug: str
    delivered: int
    readers: int

    @property
    def rate(self) -> float:
        return self.readers / self.delivered if self.delivered else 0.0


@dataclass(frozen=True)
class IssueFigures:
    campaign_id: int
    title: str
    bars: list[RegionBar]


def outcome(session: SessionLike, campaign_id: int) -> Outcome:
    counts = progress(session, campaign_id)
    unsubscribed = session.scalar(
        select(func.count(distinct(ConsentEvent.subscriber_id))).where(
            ConsentEvent.campaign_id == campaign_id,
            ConsentEvent.kind == ConsentKind.WITHDRAWN,
        )
    )
    return Outcome(
        delivered=counts.get(DeliveryStatus.SENT, 0),
        bounced=counts.get(DeliveryStatus.BOUNCED, 0),
        failed=counts.get(DeliveryStatus.FAILED, 0),
        uncertain=counts.get(DeliveryStatus.UNCERTAIN, 0),
        skipped=counts.get(DeliveryStatus.SKIPPED, 0),
        unsubscribed=unsubscribed or 0,
    )


def link_figures(session: SessionLike, campaign_id: int) -> list[LinkFigures]:
    """Every link of the issue with its clicks and the readers who clicked it."""
    rows = session.execute(
        select(
            CampaignLink.url,
            func.coalesce(func.sum(LinkClick.clicks), 0),
            func.count(LinkClick.id),
        )
        .outerjoin(LinkClick, LinkClick.link_id == CampaignLink.id)
        .where(CampaignLink.campaign_id == campaign_id)
        .group_by(CampaignLink.id, CampaignLink.url)
        .order_by(CampaignLink.id)
    )
    return [
        LinkFigures(url, int(clicks), int(readers)) for url, clicks, readers in rows
    ]


def compared_issues(session: SessionLike, campaign: Campaign) -> list[IssueFigures]:
    """This issue and the previous ones of its region (or the interregional ones):
    per region of the readers, how many got it and how many of them clicked."""
    same_sender = (
        Campaign.region_id.is_(None)
        if campaign.region_id is None
        else Campaign.region_id == campaign.region_id
    )
    issues = list(
        session.execute(
            select(Campaign.id, Campaign.title)
            .where(
                same_sender,
                Campaign.started_at.is_not(None),
                Campaign.id <= campaign.id,
            )
            .order_by(Campaign.started_at.desc(), Campaign.id.desc())
            .limit(COMPARED_ISSUES)
        )
    )[::-1]
    ids = [issue_id for issue_id, _title in issues]
    regions = {r.id: r for r in session.scalars(select(Region))}
    delivered = session.execute(
        select(Delivery.campaign_id, Subscriber.region_id, func.count())
        .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
        .where(Delivery.campaign_id.in_(ids), Delivery.status == DeliveryStatus.SENT)
        .group_by(Delivery.campaign_id, Subscriber.region_id)
    )
    readers = {
        (issue_id, region_id): count
        for issue_id, region_id, count in session.execute(
            select(
                CampaignLink.campaign_id,
                LinkClick.region_id,
                func.count(distinct(LinkClick.reader)),
            )
            .join(LinkClick, LinkClick.link_id == CampaignLink.id)
            .where(CampaignLink.campaign_id.in_(ids))
            .group_by(CampaignLink.campaign_id, LinkClick.region_id)
        )
    }
    bars: dict[int, list[RegionBar]] = {issue_id: [] for issue_id in ids}
    for issue_id, region_id, count in sorted(delivered, key=lambda row: row[1] or 0):
        region = regions.get(region_id)
        if region is not None:
            bars[issue_id].append(
                RegionBar(
                    region.name,
                    region.slug,
                    int(count),
                    int(readers.get((issue_id, region_id), 0)),
                )
            )
    return [IssueFigures(issue_id, title, bars[issue_id]) for issue_id, title in issues]
