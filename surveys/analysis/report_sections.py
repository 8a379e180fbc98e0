"""Sections of the needs report from higher rooms (the Kompetenzlandschaft's
introductions in figures). Light on purpose: every process builds the app, and a
sender must not load the report's pandas (issue #20)."""

from collections.abc import Callable

from flask import Flask

from core.db import SessionLike
from core.home import Panel
from core.registry import registry

# (session, language, min_cell) → a panel, or None when it has nothing to show.
SectionFunction = Callable[[SessionLike, str, int], Panel | None]


def add_report_section(app: Flask, section: SectionFunction) -> None:
    """Add a section to every needs report."""
    registry(app).report_sections.append(section)


def report_sections(session: SessionLike, language: str, min_cell: int) -> list[Panel]:
    found = [
        panel
        for section in registry().report_sections
        if (panel := section(session, language, min_cell))
    ]
    return sorted(found, key=lambda panel: panel.order)
