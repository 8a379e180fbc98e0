"""Preference links: who a link names, the page for a refused one (with a fresh link
by mail), and "log out everywhere", which revokes every link sent so far."""

import enum
from functools import partial

from flask import current_app, render_template
from sqlalchemy import func, select

from core.after_response import after_response
from core.cookieless import cookieless
from core.db import db
from core.forms import ConfirmForm
from core.regions import all_regions
from core.throttle import throttled
from newsletter.audience.forms import FreshLinkForm
from newsletter.audience.mail_queue import (
    deliver,
    queue_preferences_link,
    within_address_limit,
)
from newsletter.audience.models import Subscriber, SubscriberStatus
from newsletter.audience.tokens import LinkError, read_preferences_token, same_key
from newsletter.blueprint import bp


def subscriber_from_preferences_token(token: str) -> Subscriber:
    """The person a valid, current preference link names; LinkError otherwise."""
    subscriber_id, key = read_preferences_token(token)
    subscriber = db.session.get(Subscriber, subscriber_id)
    if (
        subscriber is None
        or subscriber.status == SubscriberStatus.ERASED
        or not same_key(key, subscriber.link_key)
    ):
        raise LinkError(expired=False)
    return subscriber


class LinkKind(enum.StrEnum):
    """What a refused link was for, which decides how to get a working one."""

    CONFIRM = "confirm"  # sign up again
    SETTINGS = "settings"  # settings or unsubscribe: a fresh link by mail
    SURVEY = "survey"  # the link in the newest mail
    END_SIGNUP = "end_signup"  # nothing to do: a new sign-up needs confirming anyway


def link_error(
    error: LinkError, kind: LinkKind, fresh_link_form: FreshLinkForm | None = None
) -> tuple[str, int]:
    """The page for an expired, invalidated or malformed link: why, and how to get
    a working one."""
    if kind is LinkKind.SETTINGS and fresh_link_form is None:
        fresh_link_form = FreshLinkForm()
    return (
        render_template(
            "newsletter/link_error.html",
            expired=error.expired,
            kind=kind.value,
            fresh_link_form=fresh_link_form,
            regions=all_regions(db.session) if kind is LinkKind.CONFIRM else [],
        ),
        400,
    )


def mail_fresh_link(email: str) -> None:
    """Mail a fresh preference link to the address if it is a subscriber's, at
    most PER_ADDRESS times (whoever asks)."""
    subscriber = db.session.scalar(
        select(Subscriber).where(func.lower(Subscriber.email) == email)
    )
    if subscriber is None or subscriber.status in (
        SubscriberStatus.ERASED,
        SubscriberStatus.BOUNCED,
    ):
        return
    if not within_address_limit(email):
        current_app.logger.info("fresh preference link: address limit reached")
        return
    mail = queue_preferences_link(db.session, subscriber)
    db.session.commit()
    deliver(db.session, mail)
    db.session.commit()


@bp.route("/einstellungen/neuer-link", methods=["POST"])
@cookieless
@throttled("preferences_link", "PREFERENCES_LINK_RATE_LIMIT")
def fresh_link() -> str | tuple[str, int]:
    """Mail a fresh preference link; the answer is the same whether or not the
    address is ours (no oracle)."""
    form = FreshLinkForm()
    if not form.validate_on_submit():
        return link_error(LinkError(expired=False), LinkKind.SETTINGS, form)
    email = (form.email.data or "").strip().lower()
    # Whether the address is ours is looked up once the answer has gone: the
    # answer is the same work, and takes the same time, for every address.
    after_response(partial(mail_fresh_link, email))
    return render_template("newsletter/fresh_link_sent.html")


@bp.route("/einstellungen/<token>/abmelden-ueberall", methods=["POST"])
@cookieless
def revoke_links(token: str) -> str | tuple[str, int]:
    """Log out everywhere: a new link key, so every link sent so far is refused."""
    try:
        subscriber = subscriber_from_preferences_token(token)
    except LinkError as error:
        return link_error(error, LinkKind.SETTINGS)
    if not ConfirmForm().validate_on_submit():
        return link_error(LinkError(expired=False), LinkKind.SETTINGS)
    region = subscriber.region
    subscriber.rotate_link_key()
    db.session.commit()
    return render_template(
        "newsletter/links_revoked.html", region=region, fresh_link_form=FreshLinkForm()
    )
