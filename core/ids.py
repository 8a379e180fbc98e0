"""Ids and page numbers from URLs and forms, bounded to what the database holds: a
number too large for an INTEGER column is 404, not a 500 from the driver."""

from typing import Any

from flask import abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER; SQLite's is larger
MAX_PAGE = 100_000


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: at most MAX_ID, so larger ids match no route."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def form_id(name: str) -> int | None:
    """The id a form field names (None if empty); 404 if it cannot be one."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > MAX_ID:
        abort(404)
    return int(raw)


def query_id(name: str) -> int | None:
    """The id a query argument names; None (ignored) if it cannot be one: a
    link's optional id is not worth an error page."""
    raw = request.args.get(name, "")
    if not raw.isdigit() or int(raw) > MAX_ID:
        return None
    return int(raw)


def page_number() -> int:
    """The `page` query argument, between 1 and MAX_PAGE."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
