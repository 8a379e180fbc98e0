"""Managers' pages for lists, saved segments and the sign-up snippet."""

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from core.audit import record
from core.db import db
from core.forms import ConfirmForm, refuse_unoffered
from core.links import external_url
from core.models import Role
from core.policy import acting_for, requires, visible_regions
from newsletter.audience.filters import (
    SubscriberFilter,
    subscribers_query,
    within_region,
)
from newsletter.audience.forms import ListForm, SegmentForm
from newsletter.audience.lists import visible_lists
from newsletter.audience.models import MailingList, Segment, Subscription
from newsletter.audience.scope import current_scope
from newsletter.blueprint import bp


@bp.route("/lists", methods=["GET", "POST"])
@requires("subscribers")
def lists() -> str | BaseResponse:
    form = ListForm()
    regions = [r for r in visible_regions() if acting_for(current_user, r.id)]
    choices = [SelectChoice(r.id, r.name) for r in regions]
    if acting_for(current_user, None):
        choices.append(SelectChoice(0, _("Both regions (joint list)")))
    form.region_id.choices = choices
    if request.method == "POST":
        refuse_unoffered(form.region_id)
    if form.validate_on_submit():
        slug = f"list-{secrets.token_hex(4)}"
        mailing_list = MailingList(
            slug=slug,
            name=form.name.data,
            name_en=form.name_en.data or "",
            region_id=form.region_id.data or None,
        )
        db.session.add(mailing_list)
        db.session.flush()
        record(
            db.session,
            current_user.id,
            "create",
            "list",
            mailing_list.id,
            name=mailing_list.name,
        )
        db.session.commit()
        flash(_("The list “%(name)s” is created.", name=mailing_list.name), "info")
        return redirect(url_for("newsletter.lists"))
    counts = dict(
        db.session.execute(
            select(Subscription.list_id, func.count())
            .where(Subscription.status == "active")
            .group_by(Subscription.list_id)
        ).all()
    )
    return render_template(
        "newsletter/lists.html", lists=visible_lists(), counts=counts, form=form
    )


@bp.route("/segments", methods=["GET"])
@requires("subscribers")
def segments() -> str:
    query = select(Segment).order_by(Segment.name)
    found = [
        segment
        for segment in db.session.scalars(query)
        if acting_for(current_user, segment.region_id)
    ]
    scope = current_scope()
    counts = {
        segment.id: db.session.scalar(
            select(func.count()).select_from(
                subscribers_query(
                    SubscriberFilter.from_mapping(segment.filters), scope
                ).subquery()
            )
        )
        for segment in found
    }
    return render_template(
        "newsletter/segments.html", segments=found, counts=counts, form=ConfirmForm()
    )


@bp.route("/segments", methods=["POST"])
@requires("subscribers")
def segment_create() -> BaseResponse:
    form = SegmentForm()
    criteria = SubscriberFilter.from_mapping(request.form)
    if current_user.role != Role.ADMIN:
        # A manager's segment is bound to the controller she acts for: her region,
        # or none for an interregional manager.
        criteria = SubscriberFilter.from_mapping(
            {**criteria.as_dict(), "region_id": current_user.region_id}
        )
    if not form.validate_on_submit():
        for error in form.name.errors:
            flash(str(error), "error")
        return redirect(url_for("newsletter.subscribers", **criteria.as_dict()))
    criteria = within_region(db.session, criteria, current_scope())
    segment = Segment(
        name=form.name.data, region_id=criteria.region_id, filters=criteria.as_dict()
    )
    db.session.add(segment)
    db.session.flush()
    record(
        db.session,
        current_user.id,
        "create",
        "segment",
        segment.id,
        filters=segment.filters,
    )
    db.session.commit()
    flash(
        _(
            "The segment “%(name)s” is saved; it always shows the current subscribers.",
            name=segment.name,
        ),
        "info",
    )
    return redirect(url_for("newsletter.segments"))


@bp.route("/segments/<int:segment_id>/delete", methods=["POST"])
@requires("subscribers")
def segment_delete(segment_id: int) -> BaseResponse:
    segment = db.session.get(Segment, segment_id)
    if segment is None:
        abort(404)
    if not acting_for(current_user, segment.region_id):
        abort(404)
    if ConfirmForm().validate_on_submit():
        record(db.session, current_user.id, "delete", "segment", segment.id)
        db.session.delete(segment)
        db.session.commit()
        flash(_("The segment is deleted."), "info")
    return redirect(url_for("newsletter.segments"))


@bp.route("/signup-snippet")
@requires("subscribers")
def signup_snippet() -> str:
    snippets = [
        (region, external_url("newsletter.signup", region_slug=region.slug))
        for region in visible_regions()
    ]
    return render_template("newsletter/signup_snippet.html", snippets=snippets)
