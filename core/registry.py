"""What feature packages contribute to the app, in one typed place per app.

`core` knows nothing of subscribers, campaigns or surveys. Each package's `init_app`
calls the named functions here (or its own, built on `registry`) to add navigation
entries, home panels, demo seeders and scheduled jobs; `newsletter` keeps its blocks
and personalisers here too, so that `surveys` can add its own without an arrow back.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from core.db import SessionLike

DemoSeeder = Callable[[SessionLike], None]


@dataclass(frozen=True)
class NavEntry:
    """A link in the main navigation, shown to users with `permission`."""

    label: Any  # a lazy string, translated when the page is drawn
    endpoint: str
    permission: str
    # The entry is marked current on endpoints starting with one of these.
    active: tuple[str, ...] = ()
    order: int = 100

    def is_current(self, endpoint: str | None) -> bool:
        return bool(endpoint) and any(
            endpoint == prefix or endpoint.startswith(prefix)  # type: ignore[union-attr]
            for prefix in (self.endpoint, *self.active)
        )


@dataclass
class Registry:
    nav: list[NavEntry] = field(default_factory=list)
    # Pages of the administration beside accounts and audit log (consent texts).
    admin_pages: list[NavEntry] = field(default_factory=list)
    home_panels: list[Callable[..., Any]] = field(default_factory=list)
    demo_seeders: list[DemoSeeder] = field(default_factory=list)
    # What each region needs besides its row (newsletter: first consent texts).
    region_setups: list[DemoSeeder] = field(default_factory=list)
    jobs: list[Any] = field(default_factory=list)
    # Set when the worker process is asked to stop (SIGTERM): long jobs end early.
    stopping: threading.Event = field(default_factory=threading.Event)
    # Owned by newsletter.campaigns (block types by kind, personaliser factories).
    blocks: dict[str, Any] = field(default_factory=dict)
    # Owned by newsletter.campaigns (audiences.py): who gets a campaign of each
    # automated kind; the sending room reads it at dispatch and in its gate.
    audiences: dict[str, Any] = field(default_factory=dict)
    personalisers: list[Callable[..., Any]] = field(default_factory=list)
    # Owned by newsletter.audience: sections of a subscriber's page from higher rooms.
    subscriber_sections: list[Callable[..., Any]] = field(default_factory=list)
    # Owned by newsletter.audience: sections of the preference centre from higher
    # rooms (the Kompetenzlandschaft's profile and its consent).
    preference_sections: list[Callable[..., Any]] = field(default_factory=list)
    # Owned by newsletter.audience: what higher rooms hold about a person, for the
    # export and the erasure (sending: deliveries; surveys: responses).
    personal_data: list[Any] = field(default_factory=list)
    # Owned by newsletter.sending: sections of an issue's results page (surveys).
    results_sections: list[Callable[..., Any]] = field(default_factory=list)
    # Owned by surveys: sections of the needs report from higher rooms (the
    # Kompetenzlandschaft's introductions in figures).
    report_sections: list[Callable[..., Any]] = field(default_factory=list)


_KEY = "brueckenschlag"


def registry(app: Flask | None = None) -> Registry:
    """This app's registry (the current app's without an argument)."""
    target = app if app is not None else current_app
    found = target.extensions.get(_KEY)
    if found is None:
        found = target.extensions[_KEY] = Registry()
    return found  # type: ignore[no-any-return]


def add_nav_entry(app: Flask, entry: NavEntry) -> None:
    """Show a link in the main navigation."""
    registry(app).nav.append(entry)
    registry(app).nav.sort(key=lambda e: e.order)


def add_admin_page(app: Flask, entry: NavEntry) -> None:
    """Show a link in the administration's sub-navigation."""
    registry(app).admin_pages.append(entry)
    registry(app).admin_pages.sort(key=lambda e: e.order)


def add_demo_seeder(app: Flask, seeder: DemoSeeder) -> None:
    """Add demo data for `flask demo seed`, in the order packages are initialised."""
    registry(app).demo_seeders.append(seeder)


def add_region_setup(app: Flask, setup: DemoSeeder) -> None:
    """Run this after `flask regions init` made the regions (idempotent)."""
    registry(app).region_setups.append(setup)


def region_setups() -> list[DemoSeeder]:
    return registry().region_setups


def nav_entries() -> list[NavEntry]:
    return registry().nav


def admin_pages() -> list[NavEntry]:
    return registry().admin_pages


def demo_seeders() -> list[DemoSeeder]:
    return registry().demo_seeders
