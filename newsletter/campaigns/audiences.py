"""Audiences of automated campaigns (a survey reminder, a welcome mail): computed
when the campaign starts, and re-checked by the gate before each message.

A package that owns a kind of campaign registers its audience here, so the outbox and
the gate handle every kind the same way and `newsletter` never imports the package."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import ColumnElement, Table

from core.db import AnySelect, SessionLike
from core.registry import registry
from newsletter.campaigns.models import Campaign

# SELECTs of (subscriber id, list id) for a campaign of the audience's kind.
Recipients = Callable[[SessionLike, Campaign], list[AnySelect]]
# What a manager is told about an automated mail instead of lists to choose.
Explain = Callable[[SessionLike, Campaign], "AutomationFacts"]
# A condition on the deliveries and campaigns tables (correlated, as in the gate):
# does this person still belong to the audience now? Its bind `g_now` is the moment.
StillInAudience = Callable[[Table, Table], ColumnElement[bool]]
# Stops a standing campaign that goes out (a welcome mail), as its own page does.
SwitchOff = Callable[[SessionLike, Campaign], None]


@dataclass(frozen=True)
class AutomationFacts:
    """Whom an automated mail reaches, what starts it and when it goes, in the
    reader's language; and where it is changed."""

    lines: list[str]
    edit_url: str
    edit_label: str


@dataclass(frozen=True)
class Audience:
    kind: str  # Campaign.kind
    recipients: Recipients
    still_in_audience: StillInAudience | None = None
    # Keeps sending to whoever joins the audience (a welcome mail): never finished.
    standing: bool = False
    explain: Explain | None = None
    switch_off: SwitchOff | None = None


def add_audience(app: Flask, audience: Audience) -> None:
    """Let campaigns of `audience.kind` go to the people it computes."""
    registry(app).audiences[audience.kind] = audience


def audiences(app: Flask | None = None) -> dict[str, Audience]:
    return registry(app).audiences


def automation_facts(
    session: SessionLike, campaign: Campaign
) -> AutomationFacts | None:
    """What the campaign's kind tells about it; None for an issue (its lists say)."""
    audience = audiences().get(campaign.kind)
    if audience is None or audience.explain is None:
        return None
    return audience.explain(session, campaign)


def standing_kinds() -> list[str]:
    return [kind for kind, audience in audiences().items() if audience.standing]
