"""The subscriber's own profile, reached from the preference centre by her signed
link: fill in, see the preview, confirm with consent (POST); withdraw (POST)."""

from flask import abort, render_template
from werkzeug.wrappers import Response as BaseResponse

from core.cookieless import cookieless
from core.db import db
from core.forms import ConfirmForm
from core.home import Panel
from landscape.blueprint import bp
from landscape.consent import consent_events, consent_sentence
from landscape.forms import ProfileForm
from landscape.models import ProfileStatus
from landscape.profiles import (
    prefilled,
    profile_of,
    save_profile,
    topics_by_id,
    withdraw,
)
from newsletter.audience.link_views import (
    LinkKind,
    link_error,
    subscriber_from_preferences_token,
)
from newsletter.audience.models import Subscriber
from newsletter.audience.tokens import LinkError

Page = str | tuple[str, int] | BaseResponse


@bp.route("/kompetenzlandschaft/mein-profil/<token>", methods=["GET", "POST"])
@cookieless
def my_profile(token: str) -> Page:
    try:
        subscriber = subscriber_from_preferences_token(token)
    except LinkError as error:
        return link_error(error, LinkKind.SETTINGS)
    form = ProfileForm()
    form.fill_choices(db.session, subscriber.language)
    if not form.is_submitted():
        form.load(prefilled(db.session, subscriber))
    elif form.validate() and form.step.data == "confirm":
        save_profile(db.session, subscriber, form.data_for_profile())
        db.session.commit()
        return render_template(
            "landscape/profile_sent.html", subscriber=subscriber, token=token
        )
    elif form.step.data != "edit" and set(form.errors) <= {"consent"}:
        # Valid details: the preview, with the box she has to tick.
        preview = form.data_for_profile()
        return render_template(
            "landscape/profile_preview.html",
            form=form,
            subscriber=subscriber,
            token=token,
            preview=preview,
            offers=topics_by_id(db.session, preview.offers),
            needs=topics_by_id(db.session, preview.needs),
            consent=consent_sentence(subscriber.region, subscriber.language),
        )
    return render_template(
        "landscape/profile_form.html",
        form=form,
        subscriber=subscriber,
        token=token,
        profile=profile_of(db.session, subscriber.id),
    )


@bp.route("/kompetenzlandschaft/mein-profil/<token>/widerrufen", methods=["POST"])
@cookieless
def withdraw_profile(token: str) -> Page:
    try:
        subscriber = subscriber_from_preferences_token(token)
    except LinkError as error:
        return link_error(error, LinkKind.SETTINGS)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    withdraw(db.session, subscriber)
    db.session.commit()
    return render_template(
        "landscape/profile_withdrawn.html", subscriber=subscriber, token=token
    )


def preference_section(subscriber: Subscriber, token: str) -> Panel:
    """The Kompetenzlandschaft's part of the preference centre."""
    profile = profile_of(db.session, subscriber.id)
    return Panel(
        "landscape/_preferences_section.html",
        {
            "profile": profile,
            "statuses": ProfileStatus,
            "token": token,
            "events": consent_events(db.session, subscriber.id),
            "withdraw_form": ConfirmForm(),
        },
    )
