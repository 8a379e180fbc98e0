"""What higher rooms hold about a person (sending: the issues sent to her and their
bounces; surveys: her answers), so that the export shows all of it and the erasure
removes all of it, without the audience importing what is built on it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from core.db import SessionLike
from core.registry import registry
from newsletter.audience.models import Subscriber
from newsletter.audience.scope import Scope

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class PersonalDataSource:
    """One kind of record about a person, held by another room."""

    key: str  # its name in the JSON export
    title: Any  # a lazy string: the heading on the printable page
    # The person's records held by the scope's controllers, as JSON-ready rows
    # (times as ISO strings).
    export: Callable[[SessionLike, Subscriber, Scope], Rows]
    # Delete or unlink those the scope's controllers hold; runs before the
    # person's own data goes. Flushes only.
    erase: Callable[[SessionLike, Subscriber, Scope], None]
    # Renders `rows` (and `title`) on the printable page.
    template: str
    order: int = 100


def add_personal_data_source(app: Flask, source: PersonalDataSource) -> None:
    """Include these records in every export and erasure."""
    registry(app).personal_data.append(source)
    registry(app).personal_data.sort(key=lambda found: found.order)


def personal_data_sources() -> list[PersonalDataSource]:
    """The current app's sources, in the order the export shows them."""
    return list(registry().personal_data)
