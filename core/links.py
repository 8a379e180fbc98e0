"""Absolute links for mails, built from BASE_URL (jobs and the CLI have no request)."""

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of an endpoint under the configured BASE_URL."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def absolute_url(url: str) -> str:
    """A link stored as a path of this site ("/datenschutz/…") made absolute under
    BASE_URL for mails; other links as they are."""
    if url.startswith("/"):
        return current_app.config["BASE_URL"].rstrip("/") + url
    return url
