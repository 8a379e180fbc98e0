"""Mails of the Kompetenzlandschaft, in the person's language, plain text: the
review outcome, the introduction request, the exchanged contacts, the notice that a
contact is no longer available, and the follow-up question. Each carries the
agency's imprint; links that decide something open a page with a button."""

import smtplib
from email.message import EmailMessage
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from core.db import db
from core.links import external_url
from core.mail import build_message
from landscape.models import Introduction, Profile
from newsletter.audience.controllers import controller_of
from newsletter.audience.mail_queue import send_signed
from newsletter.audience.models import Subscriber, Topic
from newsletter.audience.tokens import make_token, preferences_token


def _message(
    subscriber: Subscriber, subject: str, template: str, **context: Any
) -> EmailMessage:
    # Her region's agency runs the Kompetenzlandschaft for her: it is named, as in
    # every system mail.
    controller = controller_of(db.session, subscriber.region_id)
    text = render_template(
        template,
        subscriber=subscriber,
        region=subscriber.region,
        controllers=[controller],
        settings_link=external_url(
            "newsletter.preferences",
            token=preferences_token(subscriber.id, subscriber.link_key),
        ),
        **context,
    )
    return build_message(
        sender=controller.sender, to=subscriber.email or "", subject=subject, text=text
    )


def send(subscriber: Subscriber, subject: Any, template: str, **context: Any) -> bool:
    """Render in her language and send now (after the caller's commit); False when
    the relay could not take it (the caller says so, or a job tries again)."""
    if not subscriber.email:
        return False
    with force_locale(subscriber.language):
        message = _message(subscriber, str(subject), template, **context)
    try:
        send_signed(message)
    except (smtplib.SMTPException, OSError) as error:
        current_app.logger.warning("landscape mail not sent: %s", error)
        return False
    return True


def review_outcome(subscriber: Subscriber, approved: bool, link: str) -> bool:
    """Tell her that her profile is public now, or hidden."""
    with force_locale(subscriber.language):
        subject = (
            _("Your profile is now in the Kompetenzlandschaft")
            if approved
            else _("Your profile is no longer shown in the Kompetenzlandschaft")
        )
    return send(
        subscriber, subject, "landscape/emails/review.txt", approved=approved, link=link
    )


def introduction_token(introduction_id: int, subscriber_id: int) -> str:
    return make_token("introduction", {"i": introduction_id, "s": subscriber_id})


def introduction_request(
    introduction: Introduction, subscriber: Subscriber, other: Profile | None
) -> bool:
    """Ask her whether she wants to meet the other side (described by its public
    profile only); the link opens a page with the buttons."""
    link = external_url(
        "landscape.introduction",
        token=introduction_token(introduction.id, subscriber.id),
    )
    with force_locale(subscriber.language):
        subject = _(
            "An introduction in the Kompetenzlandschaft: %(topic)s",
            topic=introduction.topic.label(subscriber.language),
        )
    return send(
        subscriber,
        subject,
        "landscape/emails/introduction_request.txt",
        introduction=introduction,
        other=other,
        link=link,
        seeking=subscriber.id == introduction.seeker_id,
    )


def contacts(
    introduction: Introduction,
    subscriber: Subscriber,
    other: Subscriber,
    other_profile: Profile | None,
) -> bool:
    """Both agreed: her counterpart's contact details."""
    with force_locale(subscriber.language):
        subject = _(
            "Both agreed: your contact for %(topic)s",
            topic=introduction.topic.label(subscriber.language),
        )
    return send(
        subscriber,
        subject,
        "landscape/emails/contacts.txt",
        other=other,
        other_profile=other_profile,
        introduction=introduction,
    )


def follow_up(introduction: Introduction, subscriber: Subscriber) -> bool:
    """ "Ist daraus etwas entstanden?" with a link to a page with the answers."""
    link = external_url(
        "landscape.outcome",
        token=introduction_token(introduction.id, subscriber.id),
    )
    with force_locale(subscriber.language):
        subject = _("Did anything come of it?")
    return send(
        subscriber,
        subject,
        "landscape/emails/follow_up.txt",
        introduction=introduction,
        link=link,
    )


def contact_gone(subscriber: Subscriber, topic: Topic) -> bool:
    """Her counterpart erased herself: only that the contact is no longer there."""
    with force_locale(subscriber.language):
        subject = _("A contact is no longer available")
    return send(subscriber, subject, "landscape/emails/contact_gone.txt", topic=topic)
