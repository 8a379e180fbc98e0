"""Composing campaigns: settings, blocks per language, duplicates and templates, and
test sends. Services flush; callers commit."""

import copy
from datetime import UTC, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from core.db import SessionLike
from core.links import external_url
from core.mail import MailSettings, SMTPConnection, build_message
from newsletter.blocks import new_block
from newsletter.campaign_models import (
    BlockTemplate,
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
)
from newsletter.rendering import (
    checklist,
    compile_campaign,
    extra_values,
    personal_values,
    personalise,
)
from newsletter.subscriptions import SubscriptionError, normalise_address

LANGUAGES = ("de", "en")
MAX_TEST_RECIPIENTS = 10


class CampaignError(Exception):
    """A user-facing problem with a campaign operation."""


def ensure_editable(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.DRAFT:
        raise CampaignError(str(_l("Only drafts can be changed.")))


def _set_blocks(campaign: Campaign, language: str, blocks: list[dict]) -> None:
    # JSON columns notice only a new value, not changes inside the old one.
    campaign.blocks = {**campaign.blocks, language: blocks}


def add_block(campaign: Campaign, language: str, kind: str) -> dict:
    ensure_editable(campaign)
    block = new_block(kind)
    _set_blocks(campaign, language, [*campaign.blocks_for(language), block])
    return block


def update_block(
    campaign: Campaign, language: str, block_id: str, values: dict
) -> None:
    ensure_editable(campaign)
    blocks = copy.deepcopy(campaign.blocks_for(language))
    for block in blocks:
        if block["id"] == block_id:
            block.update({k: v for k, v in values.items() if k not in ("id", "type")})
    _set_blocks(campaign, language, blocks)


def move_block(campaign: Campaign, language: str, block_id: str, step: int) -> None:
    ensure_editable(campaign)
    blocks = campaign.blocks_for(language)
    index = next((i for i, b in enumerate(blocks) if b["id"] == block_id), None)
    if index is None:
        return
    target = max(0, min(len(blocks) - 1, index + step))
    blocks.insert(target, blocks.pop(index))
    _set_blocks(campaign, language, blocks)


def remove_block(campaign: Campaign, language: str, block_id: str) -> None:
    ensure_editable(campaign)
    _set_blocks(
        campaign,
        language,
        [b for b in campaign.blocks_for(language) if b["id"] != block_id],
    )


def copy_german_to_english(campaign: Campaign) -> None:
    """Start the English version from the German blocks, to be translated."""
    ensure_editable(campaign)
    _set_blocks(campaign, "en", copy.deepcopy(campaign.blocks_for("de")))
    campaign.subject = {
        **campaign.subject,
        "en": campaign.subject.get("en") or campaign.subject.get("de", ""),
    }


def duplicate(
    session: SessionLike, campaign: Campaign, user_id: int | None
) -> Campaign:
    """A new draft with the same content and target."""
    twin = Campaign(
        region_id=campaign.region_id,
        title=str(
            _l("Copy of %(title)s", title=campaign.title or campaign.subject_for("de"))
        ),
        subject=dict(campaign.subject),
        preheader=dict(campaign.preheader),
        blocks=copy.deepcopy(campaign.blocks),
        list_ids=list(campaign.list_ids),
        segment_ids=list(campaign.segment_ids),
        created_by=user_id,
    )
    session.add(twin)
    session.flush()
    return twin


def save_template(session: SessionLike, campaign: Campaign, name: str) -> BlockTemplate:
    template = BlockTemplate(
        name=name, region_id=campaign.region_id, blocks=copy.deepcopy(campaign.blocks)
    )
    session.add(template)
    session.flush()
    return template


def from_template(
    session: SessionLike,
    template: BlockTemplate,
    region_id: int | None,
    user_id: int | None,
) -> Campaign:
    campaign = Campaign(
        region_id=region_id,
        title=template.name,
        blocks=copy.deepcopy(template.blocks),
        created_by=user_id,
    )
    session.add(campaign)
    session.flush()
    return campaign


def sender_for(campaign: Campaign) -> str:
    region = campaign.region
    if region and region.sender_email:
        return f"{region.sender_name} <{region.sender_email}>"
    return str(current_app.config["MAIL_FROM"])


def parse_test_addresses(raw: str) -> list[str]:
    """Comma, semicolon or line separated addresses; clear error for a bad one."""
    parts = [p.strip() for p in raw.replace(";", ",").replace("\n", ",").split(",")]
    addresses = []
    for part in filter(None, parts):
        try:
            addresses.append(normalise_address(part))
        except SubscriptionError:
            raise CampaignError(
                str(_l("“%(address)s” is not a valid email address.", address=part))
            ) from None
    if not addresses:
        raise CampaignError(str(_l("Please enter at least one address.")))
    if len(addresses) > MAX_TEST_RECIPIENTS:
        raise CampaignError(
            str(_l("At most %(n)s addresses per test send.", n=MAX_TEST_RECIPIENTS))
        )
    return addresses


def sample_values(campaign: Campaign, language: str) -> dict[str, str]:
    """A sample recipient for previews and test sends; links lead to a test page."""
    test_link = external_url("newsletter.test_link")
    region_name = campaign.region.name if campaign.region else "Südwestfalen · Dortmund"
    return {
        **personal_values(
            "Erika Mustermann", "Musterfirma GmbH", region_name, language
        ),
        **extra_values(campaign, None),
        "unsubscribe_url": test_link,
        "preferences_url": test_link,
        "web_url": external_url(
            "newsletter.web_version", campaign_id=campaign.id, lang=language
        ),
    }


def sample_rendering(campaign: Campaign, language: str) -> tuple[str, str, str]:
    """Subject, HTML and text as the sample recipient would get them."""
    return personalise(
        compile_campaign(campaign, language), sample_values(campaign, language)
    )


def test_message(campaign: Campaign, language: str, to: str) -> EmailMessage:
    """Exactly what a subscriber gets, with personal links pointing at a test page."""
    subject, html, text = sample_rendering(campaign, language)
    test_link = external_url("newsletter.test_link")
    return build_message(
        sender=sender_for(campaign),
        to=to,
        subject=f"[Test] {subject}",
        text=text,
        html=html,
        headers={
            "List-Unsubscribe": f"<{test_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_test(campaign: Campaign, addresses: list[str], language: str) -> None:
    """Send the test mails over one SMTP connection."""
    settings = MailSettings.from_url(current_app.config["MAIL_URL"])
    with SMTPConnection(settings) as connection:
        for address in addresses:
            connection.send(test_message(campaign, language, address))


def local_to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in the zone as UTC; refuses times the clock skips (DST)."""
    tz = ZoneInfo(zone)
    aware = local.replace(tzinfo=tz, fold=0)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
        raise CampaignError(
            str(
                _l(
                    "%(time)s does not exist on that day: the clocks go forward. "
                    "Please choose another time.",
                    time=local.strftime("%H:%M"),
                )
            )
        )
    return aware.astimezone(UTC)


def schedule(campaign: Campaign, when: datetime) -> None:
    """Plan sending at `when` (aware); only an issue without checklist errors."""
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
        raise CampaignError(str(_l("This issue can no longer be scheduled.")))
    errors = [
        message for severity, message in checklist(campaign) if severity == "error"
    ]
    if errors:
        raise CampaignError(
            str(
                _l(
                    "Please fix the checklist first: %(errors)s",
                    errors="; ".join(errors),
                )
            )
        )
    campaign.scheduled_at = when.astimezone(UTC)
    campaign.status = CampaignStatus.SCHEDULED


def unschedule(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.SCHEDULED:
        raise CampaignError(str(_l("Only a scheduled issue can be taken back.")))
    campaign.status = CampaignStatus.DRAFT
    campaign.scheduled_at = None


def pause(campaign: Campaign, reason: str = "") -> None:
    if campaign.status != CampaignStatus.SENDING:
        raise CampaignError(str(_l("Only an issue that is being sent can be paused.")))
    campaign.status = CampaignStatus.PAUSED
    campaign.paused_reason = reason


def resume(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.PAUSED:
        raise CampaignError(str(_l("Only a paused issue can be resumed.")))
    campaign.status = CampaignStatus.SENDING
    campaign.paused_reason = ""


def cancel(session: SessionLike, campaign: Campaign) -> None:
    """Stop for good: whatever has not been handed to the mail server stays unsent."""
    if campaign.status not in (
        CampaignStatus.SENDING,
        CampaignStatus.PAUSED,
        CampaignStatus.SCHEDULED,
    ):
        raise CampaignError(str(_l("This issue cannot be cancelled.")))
    campaign.status = CampaignStatus.CANCELLED
    session.execute(
        update(Delivery)
        .where(
            Delivery.campaign_id == campaign.id,
            Delivery.status.in_((DeliveryStatus.QUEUED, DeliveryStatus.CLAIMED)),
        )
        .values(status=DeliveryStatus.SKIPPED, claimed_by=None, last_error="cancelled")
    )
