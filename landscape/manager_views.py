"""The managers' side: review profiles of their region (approve, hide), with the
person told by mail."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.db import db
from core.forms import ConfirmForm
from core.links import external_url
from core.models import Region
from core.policy import check_manages, managed_region_ids, requires, visible_region_ids
from landscape import mails
from landscape.blueprint import bp
from landscape.models import Profile, ProfileStatus
from landscape.profiles import review
from newsletter.audience.models import Topic


def _profile(profile_id: int) -> Profile:
    """A profile of a region the manager moderates; 404 otherwise."""
    profile = db.session.get(Profile, profile_id)
    if profile is None:
        abort(404)
    check_manages(current_user, profile.region_id)
    return profile


@bp.route("/kompetenzlandschaft/profile")
@requires("subscribers")
def profiles() -> str:
    query = select(Profile).order_by(Profile.status.desc(), Profile.updated_at.desc())
    regions = managed_region_ids(current_user)
    if regions is not None:
        query = query.where(Profile.region_id.in_(regions))
    found = list(db.session.scalars(query))
    return render_template(
        "landscape/profiles.html",
        groups=[
            (status, [p for p in found if p.status == status])
            for status in (
                ProfileStatus.PENDING,
                ProfileStatus.APPROVED,
                ProfileStatus.HIDDEN,
            )
        ],
        form=ConfirmForm(),
    )


@bp.route("/kompetenzlandschaft/profile/<int:profile_id>/<decision>", methods=["POST"])
@requires("subscribers")
def review_profile(profile_id: int, decision: str) -> BaseResponse:
    if decision not in ("freigeben", "verbergen"):
        abort(404)
    profile = _profile(profile_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    approve = decision == "freigeben"
    if profile.status == (ProfileStatus.APPROVED if approve else ProfileStatus.HIDDEN):
        return redirect(url_for("landscape.profiles"))
    review(db.session, profile, approve)
    record(
        db.session,
        current_user.id,
        "approve" if approve else "hide",
        "landscape_profile",
        profile.id,
    )
    db.session.commit()
    told = mails.review_outcome(
        profile.subscriber,
        approve,
        external_url("landscape.organisation", profile_id=profile.id),
    )
    org = profile.organisation
    if not told:
        flash(
            _(
                "Saved. The mail to %(org)s could not be sent; please tell them "
                "yourself.",
                org=org,
            ),
            "error",
        )
    elif approve:
        flash(_("The profile is public; %(org)s was told by mail.", org=org), "info")
    else:
        flash(_("The profile is hidden; %(org)s was told by mail.", org=org), "info")
    return redirect(url_for("landscape.profiles"))


@bp.route("/kompetenzlandschaft/snippet")
@requires("subscribers")
def snippet() -> str:
    """A search form for the agencies' own websites, per region they manage."""
    regions = visible_region_ids(current_user)
    found = [
        r
        for r in db.session.scalars(select(Region).order_by(Region.id))
        if regions is None or r.id in regions
    ]
    return render_template(
        "landscape/snippet.html",
        snippets=[
            (r, external_url("landscape.public_region", region_slug=r.slug))
            for r in found
        ],
        topics=list(db.session.scalars(select(Topic).order_by(Topic.name))),
    )
