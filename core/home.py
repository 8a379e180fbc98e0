"""The home page is made of panels that feature packages contribute.

`core` knows nothing of subscribers or surveys; each package registers a panel function
that returns a template and its context for the logged-in user, or None to show nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from core.models import User
from core.registry import registry


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


PanelFunction = Callable[[User], Panel | None]


def add_home_panel(app: Flask, panel: PanelFunction) -> None:
    """Register a panel function for the home page of this app."""
    registry(app).home_panels.append(panel)


def panels_for(user: User) -> list[Panel]:
    """The panels to show to this user, in order."""
    functions: list[PanelFunction] = registry().home_panels
    found = [panel for function in functions if (panel := function(user))]
    return sorted(found, key=lambda panel: panel.order)
