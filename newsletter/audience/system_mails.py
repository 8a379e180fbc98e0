"""Mails the system sends outside campaigns: the double opt-in confirmation and a
fresh preference link.

It carries no advertising and no survey, only the request to confirm, and the agency's
imprint."""

from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from core.db import db
from core.links import absolute_url, external_url
from core.mail import build_message, mailbox
from core.mjml import mjml_to_html
from core.models import Region
from newsletter.audience.consent import JOINT_SLUG, list_consent
from newsletter.audience.models import MailingList, Subscriber
from newsletter.audience.tokens import confirm_token, preferences_token


def confirmation_message(
    subscriber: Subscriber, lists: list[MailingList]
) -> EmailMessage:
    """The opt-in mail in the subscriber's language."""
    region = subscriber.region
    link = external_url(
        "newsletter.confirm_page",
        token=confirm_token(subscriber.id, [ml.id for ml in lists]),
    )
    with force_locale(subscriber.language):
        context = {
            "subscriber": subscriber,
            "region": region,
            "texts": [
                (ml, list_consent(db.session, ml, subscriber.language)) for ml in lists
            ],
            "link": link,
            "language": subscriber.language,
            "privacy_links": privacy_links(region, lists),
        }
        subject = _(
            "Please confirm your subscription to Brückenschlag %(region)s",
            region=region.name,
        )
        text = render_template("emails/confirm.txt", **context)
        html = mjml_to_html(render_template("emails/confirm.mjml.html", **context))
    return build_message(
        sender=_sender(region),
        to=subscriber.email or "",
        subject=subject,
        text=text,
        html=html,
    )


def preferences_link_message(subscriber: Subscriber) -> EmailMessage:
    """A fresh link to the preference centre, in the subscriber's language (plain
    text: nothing in it needs more)."""
    region = subscriber.region
    link = external_url(
        "newsletter.preferences",
        token=preferences_token(subscriber.id, subscriber.link_key),
    )
    with force_locale(subscriber.language):
        subject = _("Your link to your Brückenschlag settings")
        text = render_template(
            "emails/preferences_link.txt",
            region=region,
            link=link,
            days=current_app.config["PREFERENCES_LINK_DAYS"],
            privacy_links=privacy_links(region, []),
        )
    return build_message(
        sender=_sender(region), to=subscriber.email or "", subject=subject, text=text
    )


def signed_up_again_message(subscriber: Subscriber) -> EmailMessage:
    """The note to someone whose sign-up asked for nothing new: they receive it
    already; here is the link to their settings."""
    region = subscriber.region
    link = external_url(
        "newsletter.preferences",
        token=preferences_token(subscriber.id, subscriber.link_key),
    )
    with force_locale(subscriber.language):
        subject = _("You already receive Brückenschlag %(region)s", region=region.name)
        text = render_template(
            "emails/signed_up_again.txt",
            region=region,
            link=link,
            days=current_app.config["PREFERENCES_LINK_DAYS"],
            privacy_links=privacy_links(region, []),
        )
    return build_message(
        sender=_sender(region), to=subscriber.email or "", subject=subject, text=text
    )


def _sender(region: Region) -> str:
    if region.sender_email:
        return mailbox(region.sender_name, region.sender_email)
    return str(current_app.config["MAIL_FROM"])


def privacy_links(region: Region, lists: list[MailingList]) -> list[tuple[str, str]]:
    """The privacy notice of the region, and the joint one if a joint list is
    asked for."""
    links = [
        (
            str(_("Privacy notice")),
            absolute_url(region.privacy_url)
            or external_url("newsletter.privacy", region_slug=region.slug),
        )
    ]
    if any(ml.region_id is None for ml in lists):
        links.append(
            (
                str(_("Privacy notice of the joint controllers")),
                external_url("newsletter.privacy", region_slug=JOINT_SLUG),
            )
        )
    return links
