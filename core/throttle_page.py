"""The answer to a request over a limit: a page in the reader's language that names
the real wait, with the imprint of the region it was meant for, and a Retry-After
header with the same wait."""

import math

from flask import render_template, request
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from core.db import db
from core.models import Region


def wait_page(seconds: int, account: bool = False) -> Response:
    """The 429 page and header for a wait of `seconds`; `account`: the wait is the
    account's (failed logins), not the client address's."""
    seconds = max(1, seconds)
    slug = (request.view_args or {}).get("region_slug")
    region = (
        db.session.scalar(select(Region).where(Region.slug == slug)) if slug else None
    )
    page = render_template(
        "errors/429.html",
        minutes=math.ceil(seconds / 60),
        account=account,
        region=region,
    )
    return Response(page, 429, {"Retry-After": str(seconds)}, mimetype="text/html")


def too_many_requests_page(error: TooManyRequests) -> Response:
    retry_after = getattr(error, "retry_after", None)
    return wait_page(retry_after if isinstance(retry_after, int) else 60)
