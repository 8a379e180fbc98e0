"""Composing campaigns: settings, blocks per language, duplicates and templates.
Services flush; callers commit."""

import copy

from flask_babel import lazy_gettext as _l

from core.db import SessionLike
from newsletter.campaigns.audiences import standing_kinds
from newsletter.campaigns.blocks import Block, new_block
from newsletter.campaigns.models import BlockTemplate, Campaign, CampaignStatus

LANGUAGES = ("de", "en")


class CampaignError(Exception):
    """A user-facing problem with a campaign operation."""


def is_editable(campaign: Campaign) -> bool:
    """A draft, or a standing mail (a welcome mail) whatever its state: an edit of
    that counts from its next mail."""
    return campaign.status == CampaignStatus.DRAFT or campaign.kind in standing_kinds()


def ensure_editable(campaign: Campaign) -> None:
    if not is_editable(campaign):
        raise CampaignError(str(_l("Only drafts can be changed.")))


def _set_blocks(campaign: Campaign, language: str, blocks: list[Block]) -> None:
    # JSON columns notice only a new value, not changes inside the old one.
    campaign.blocks = {**campaign.blocks, language: blocks}


def add_block(campaign: Campaign, language: str, kind: str) -> Block:
    ensure_editable(campaign)
    block = new_block(kind)
    _set_blocks(campaign, language, [*campaign.blocks_for(language), block])
    return block


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
