"""Mails the system sends outside campaigns: the double opt-in confirmation and a
fresh preference link.

They carry no advertising and no survey, and name the controller of each list they
are about, with its imprint and privacy notice."""

from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.db import db
from core.links import external_url
from core.mail import build_message
from core.mjml import mjml_to_html
from newsletter.audience.consent import list_consent
from newsletter.audience.controllers import controller_of, controllers_of
from newsletter.audience.models import MailingList, Subscriber, SubscriptionStatus
from newsletter.audience.tokens import (
    confirm_token,
    end_signup_token,
    preferences_token,
)


def confirmation_message(
    subscriber: Subscriber, lists: list[MailingList]
) -> EmailMessage:
    """The opt-in mail in the subscriber's language, from the controller(s) of the
    lists it asks for (not the region she first signed up in)."""
    controllers = controllers_of(db.session, lists)
    link = external_url(
        "newsletter.confirm_page",
        token=confirm_token(subscriber.id, [ml.id for ml in lists]),
    )
    with force_locale(subscriber.language):
        context = {
            "subscriber": subscriber,
            "controller": controllers[0],
            "controllers": controllers,
            "texts": [
                (
                    ml,
                    list_consent(db.session, ml, subscriber.language),
                    controller_of(db.session, ml.region_id),
                )
                for ml in lists
            ],
            "link": link,
            "language": subscriber.language,
        }
        subject = _(
            "Please confirm your subscription to Brückenschlag %(region)s",
            region=controllers[0].short_name,
        )
        text = render_template("emails/confirm.txt", **context)
        html = mjml_to_html(render_template("emails/confirm.mjml.html", **context))
    end = external_url(
        "newsletter.end_signup_page",
        token=end_signup_token(subscriber.id, [ml.id for ml in lists]),
    )
    return build_message(
        sender=controllers[0].sender,
        to=subscriber.email or "",
        subject=subject,
        text=text,
        html=html,
        # A person signed up by somebody else ends it with the mail program's
        # button, without opening any link (RFC 8058).
        headers={
            "List-Unsubscribe": f"<{end}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def preferences_link_message(subscriber: Subscriber) -> EmailMessage:
    """A fresh link to the preference centre, in the subscriber's language (plain
    text: nothing in it needs more), naming the controllers of her lists."""
    return _settings_link_message(
        subscriber,
        _l("Your link to your Brückenschlag settings"),
        "emails/preferences_link.txt",
    )


def signed_up_again_message(subscriber: Subscriber) -> EmailMessage:
    """The note to someone whose sign-up asked for nothing new: they receive it
    already; here is the link to their settings."""
    return _settings_link_message(
        subscriber,
        _l("You already receive the Brückenschlag newsletter"),
        "emails/signed_up_again.txt",
    )


def _settings_link_message(
    subscriber: Subscriber, subject: LazyString, template: str
) -> EmailMessage:
    """A plain-text mail with her settings link, from and naming the controllers of
    her lists."""
    controllers = controllers_of(db.session, _her_lists(subscriber)) or [
        controller_of(db.session, subscriber.region_id)
    ]
    link = external_url(
        "newsletter.preferences",
        token=preferences_token(subscriber.id, subscriber.link_key),
    )
    with force_locale(subscriber.language):
        text = render_template(
            template,
            controllers=controllers,
            link=link,
            days=current_app.config["PREFERENCES_LINK_DAYS"],
        )
        title = str(subject)
    return build_message(
        sender=controllers[0].sender,
        to=subscriber.email or "",
        subject=title,
        text=text,
    )


def _her_lists(subscriber: Subscriber) -> list[MailingList]:
    """The lists she is on or asked for (not those she left)."""
    return [
        sub.mailing_list
        for sub in subscriber.subscriptions
        if sub.status != SubscriptionStatus.UNSUBSCRIBED
    ]
