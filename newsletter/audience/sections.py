"""Sections that higher rooms add to a subscriber's page (sending: the issues the
person received) and to the person's own preference centre (the
Kompetenzlandschaft: her profile and its consent), so that the audience never
imports what is built on it."""

from collections.abc import Callable

from flask import Flask

from core.home import Panel
from core.registry import registry
from newsletter.audience.models import Subscriber
from newsletter.audience.scope import Scope

# Gets the person and the scope of the manager looking (what her controller holds).
SectionFunction = Callable[[Subscriber, Scope], Panel | None]


def add_subscriber_section(app: Flask, section: SectionFunction) -> None:
    """Show a section (a template and its context) on every subscriber's page."""
    registry(app).subscriber_sections.append(section)


def subscriber_sections(subscriber: Subscriber, scope: Scope) -> list[Panel]:
    """The sections for this subscriber's page as the scope's manager sees it."""
    found = [p for f in registry().subscriber_sections if (p := f(subscriber, scope))]
    return sorted(found, key=lambda panel: panel.order)


PreferenceSection = Callable[[Subscriber, str], Panel | None]


def add_preference_section(app: Flask, section: PreferenceSection) -> None:
    """Show a section on every preference centre page; it gets the person and the
    token of the link she came by (for its own forms)."""
    registry(app).preference_sections.append(section)


def preference_sections(subscriber: Subscriber, token: str) -> list[Panel]:
    """The sections for this person's preference centre, in order."""
    found = [p for f in registry().preference_sections if (p := f(subscriber, token))]
    return sorted(found, key=lambda panel: panel.order)
