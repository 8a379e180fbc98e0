"""Saving what a manager typed into the editor, all blocks at once: on every button
of the one editor form and on each autosave, so that nothing typed is lost when
another button (add, move, remove) is pressed first. Services flush; callers commit."""

from dataclasses import dataclass, field
from typing import Any

from newsletter.campaigns.blocks import block_types
from newsletter.campaigns.editing import ensure_editable
from newsletter.campaigns.models import Campaign


@dataclass
class Settings:
    """An issue's settings as typed: internal title, subject and preheader per
    language, and its target."""

    title: str
    subject: dict[str, str]
    preheader: dict[str, str]
    list_ids: list[int]
    segment_ids: list[int]


@dataclass
class Draft:
    """The editor's content of one language: block ids in the order shown, and the
    typed values per block id (fields the block type does not have are ignored)."""

    order: list[str] = field(default_factory=list)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    settings: Settings | None = None


def apply_settings(campaign: Campaign, settings: Settings) -> None:
    campaign.title = settings.title
    campaign.subject = dict(settings.subject)
    campaign.preheader = dict(settings.preheader)
    if settings.list_ids != campaign.list_ids:
        campaign.list_ids = settings.list_ids
    if settings.segment_ids != campaign.segment_ids:
        campaign.segment_ids = settings.segment_ids


def apply_draft(campaign: Campaign, language: str, draft: Draft) -> None:
    """Take over the typed values and the block order of one language. A block the
    form did not show (added meanwhile in another tab) stays, at the end."""
    ensure_editable(campaign)
    if draft.settings is not None:
        apply_settings(campaign, draft.settings)
    types = block_types()
    # Plain dicts while the posted fields (named at run time) are written in.
    current: dict[str, dict[str, Any]] = {
        block["id"]: {**block} for block in campaign.blocks_for(language)
    }
    ordered = [current.pop(block_id) for block_id in draft.order if block_id in current]
    blocks = [*ordered, *current.values()]
    for block in blocks:
        spec = types.get(block.get("type", ""))
        typed = draft.values.get(block["id"], {})
        if spec is None:
            continue
        for spec_field in spec.fields:
            if spec_field.name in typed:
                block[spec_field.name] = typed[spec_field.name]
    if blocks != campaign.blocks_for(language):
        # JSON columns notice only a new value, not changes inside the old one.
        campaign.blocks = {**campaign.blocks, language: blocks}
