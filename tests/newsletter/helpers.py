"""Helpers that act as a subscriber would: fill forms, read mails, follow links."""

import re
from email.message import EmailMessage

from sqlalchemy import select

from core.db import db
from newsletter.audience.models import MailingList
from tests.http import csrf_token


def list_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(MailingList.id).where(MailingList.slug == slug))


def sign_up_over_http(client, region: str, email: str, list_ids, **fields):
    page = client.get(f"/anmelden/{region}")
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "email": email,
        "lists": [str(i) for i in list_ids],
        "consent": "y",
        "language": "de",
        **fields,
    }
    return client.post(f"/anmelden/{region}", data=data)


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message: EmailMessage, path_part: str) -> str:
    """The path of the first link in the text part that contains path_part."""
    match = re.search(
        rf"https?://[^/\s]+(\S*{re.escape(path_part)}\S*)", text_of(message)
    )
    assert match, f"no link with {path_part} in:\n{text_of(message)}"
    return match.group(1)
