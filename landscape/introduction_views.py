"""Introductions: the manager's suggestions and proposals, and the pages both sides
answer on. The links in mails only open a page; its buttons (POST) decide."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.cookieless import cookieless
from core.db import db
from core.forms import ConfirmForm
from core.ids import form_id
from core.policy import check_manages, managed_region_ids, requires
from landscape import mails
from landscape.blueprint import bp
from landscape.introductions import (
    IntroductionError,
    answer,
    counterpart,
    propose,
    record_outcome,
)
from landscape.matching import suggestions as find_suggestions
from landscape.models import Introduction, Profile, ProfileStatus
from landscape.profiles import profile_of
from newsletter.audience.tokens import LinkError, read_token

ANSWER_DAYS = 30
OUTCOME_DAYS = 90


@bp.route("/kompetenzlandschaft/vorschlaege")
@requires("subscribers")
def suggestions() -> str:
    regions = managed_region_ids(current_user)
    query = db.select(Introduction).order_by(Introduction.proposed_at.desc())
    if regions is not None:
        query = query.where(
            Introduction.seeker_region_id.in_(regions)
            | Introduction.provider_region_id.in_(regions)
        )
    return render_template(
        "landscape/suggestions.html",
        suggestions=find_suggestions(db.session, regions),
        introductions=list(db.session.scalars(query.limit(200))),
        form=ConfirmForm(),
    )


def _approved(profile_id: int | None) -> Profile:
    profile = db.session.get(Profile, profile_id) if profile_id else None
    if profile is None or profile.status != ProfileStatus.APPROVED:
        abort(404)
    return profile


@bp.route("/kompetenzlandschaft/vorstellungen", methods=["POST"])
@requires("subscribers")
def propose_introduction() -> BaseResponse:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    seeker = _approved(form_id("seeker"))
    # A manager introduces the needs of her own region; any region's offers.
    check_manages(current_user, seeker.region_id)
    provider = _approved(form_id("provider"))
    topic_id = form_id("topic")
    if topic_id not in {t.id for t in seeker.topics("need")} or topic_id not in {
        t.id for t in provider.topics("offer")
    }:
        abort(404)
    try:
        made = propose(db.session, seeker, provider, topic_id, current_user.id)
    except IntroductionError:
        db.session.rollback()
        flash(_("These two have been introduced already."), "error")
        return redirect(url_for("landscape.suggestions"))
    record(db.session, current_user.id, "propose", "introduction", made.id)
    db.session.commit()
    sent = [
        mails.introduction_request(made, seeker.subscriber, provider),
        mails.introduction_request(made, provider.subscriber, seeker),
    ]
    if not all(sent):
        flash(
            _(
                "Saved, but a mail could not be sent. Please tell %(a)s and %(b)s "
                "yourself.",
                a=seeker.organisation,
                b=provider.organisation,
            ),
            "error",
        )
        return redirect(url_for("landscape.suggestions"))
    flash(
        _(
            "Proposed: %(a)s and %(b)s each got a mail and decide themselves.",
            a=seeker.organisation,
            b=provider.organisation,
        ),
        "info",
    )
    return redirect(url_for("landscape.suggestions"))


class IntroductionGone(Exception):
    """A genuine link to an introduction that no longer exists (the counterpart
    erased her data): the page says so without saying why, as the mail does."""


def _from_token(token: str, max_days: int) -> tuple[Introduction, int]:
    payload = read_token("introduction", token, max_age=max_days * 24 * 3600)
    introduction = db.session.get(Introduction, payload.get("i"))
    subscriber_id = payload.get("s")
    if introduction is None:
        raise IntroductionGone
    if subscriber_id not in (
        introduction.seeker_id,
        introduction.provider_id,
    ):
        raise LinkError(expired=False)
    return introduction, subscriber_id


def _link_error(error: LinkError | IntroductionGone) -> tuple[str, int]:
    if isinstance(error, IntroductionGone):
        return render_template("landscape/link_error.html", gone=True), 410
    return render_template("landscape/link_error.html", expired=error.expired), 400


@bp.route("/kompetenzlandschaft/vorstellung/<token>", methods=["GET", "POST"])
@cookieless
def introduction(token: str) -> str | tuple[str, int]:
    try:
        intro, subscriber_id = _from_token(token, ANSWER_DAYS)
    except (LinkError, IntroductionGone) as error:
        return _link_error(error)
    other = counterpart(intro, subscriber_id)
    me = intro.seeker if other is intro.provider else intro.provider
    form = ConfirmForm()
    too_late = False
    if form.validate_on_submit() and request.form.get("answer") in ("yes", "no"):
        # A "Nein" after the exchange cannot call the contact details back.
        too_late = request.form["answer"] == "no" and intro.exchanged_at is not None
        if answer(db.session, intro, subscriber_id, request.form["answer"] == "yes"):
            db.session.commit()
            mails.contacts(intro, me, other, profile_of(db.session, other.id))
            mails.contacts(intro, other, me, profile_of(db.session, me.id))
        db.session.commit()
    return render_template(
        "landscape/introduction.html",
        intro=intro,
        side="seeker" if subscriber_id == intro.seeker_id else "provider",
        other_profile=profile_of(db.session, other.id),
        region=me.region,
        form=form,
        too_late=too_late,
    )


@bp.route("/kompetenzlandschaft/vorstellung/<token>/ergebnis", methods=["GET", "POST"])
@cookieless
def outcome(token: str) -> str | tuple[str, int]:
    try:
        intro, subscriber_id = _from_token(token, OUTCOME_DAYS)
    except (LinkError, IntroductionGone) as error:
        return _link_error(error)
    if intro.exchanged_at is None:
        abort(404)
    form = ConfirmForm()
    saved = False
    if form.validate_on_submit() and request.form.get("fruitful") in ("yes", "no"):
        record_outcome(intro, subscriber_id, request.form["fruitful"] == "yes")
        db.session.commit()
        saved = True
    me = intro.seeker if subscriber_id == intro.seeker_id else intro.provider
    return render_template(
        "landscape/outcome.html",
        intro=intro,
        region=me.region,
        form=form,
        saved=saved,
        answered=getattr(
            intro,
            "seeker_fruitful"
            if subscriber_id == intro.seeker_id
            else "provider_fruitful",
        ),
    )
