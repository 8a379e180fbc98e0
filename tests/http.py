"""Acting through the real pages: CSRF tokens from the forms, logging in, signing up."""

import re
from collections.abc import Iterable
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

PASSWORD = "correct horse battery"  # noqa: S105


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if match is None:
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def shown_texts(html: str) -> dict[str, str]:
    """The hidden fields naming the consent texts and privacy notices a page showed,
    as a browser sends them back with the form."""
    return dict(
        re.findall(
            r'name="(shown_consent|shown_privacy)" type="hidden" value="([^"]*)"', html
        )
    )


def submit(
    client: FlaskClient,
    page: str,
    action: str | None = None,
    data: dict[str, Any] | None = None,
    **kwargs: Any,
) -> TestResponse:
    """Open `page` as a person would, then post `data` with the page's CSRF token to
    `action` (the page itself unless given)."""
    shown = client.get(page)
    assert shown.status_code == 200, (page, shown.status_code)
    html = shown.get_data(as_text=True)
    form = {"csrf_token": csrf_token(html), **shown_texts(html), **(data or {})}
    return client.post(action or page, data=form, **kwargs)


def login(client: FlaskClient, email: str, password: str = PASSWORD, **kwargs: Any):
    """Log in through the real form (with its CSRF token)."""
    return submit(
        client, "/login", data={"email": email, "password": password, **kwargs}
    )


def sign_up(
    client: FlaskClient, region: str, email: str, list_ids: Iterable[int], **fields: Any
) -> TestResponse:
    """Fill in a region's public sign-up form, consenting, in German."""
    data = {
        "email": email,
        "lists": [str(i) for i in list_ids],
        "consent": "y",
        "language": "de",
        **fields,
    }
    return submit(client, f"/anmelden/{region}", data=data)
