"""Managers edit their region's MJML layout; broken MJML is shown with its line and
never saved."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.db import db
from core.forms import ConfirmForm
from core.models import Region
from core.policy import acted_for_regions, check_acting_for, requires
from newsletter.blueprint import bp
from newsletter.campaigns.layouts import STARTER, LayoutError, check_layout


@bp.route("/layouts")
@requires("campaigns")
def layouts() -> str:
    return render_template("newsletter/layouts.html", regions=acted_for_regions())


@bp.route("/layouts/<region_slug>", methods=["GET", "POST"])
@requires("campaigns")
def layout_edit(region_slug: str) -> str | BaseResponse:
    region = db.session.scalar(select(Region).where(Region.slug == region_slug))
    if region is None:
        abort(404)
    check_acting_for(current_user, region.id)
    form = ConfirmForm()
    source = region.custom_layout or STARTER
    error = None
    if request.method == "POST" and form.validate_on_submit():
        source = request.form.get("layout", "")
        if request.form.get("action") == "reset":
            region.custom_layout = None
            record(db.session, current_user.id, "reset_layout", "region", region.id)
            db.session.commit()
            flash(_("The standard layout is used again."), "info")
            return redirect(url_for("newsletter.layout_edit", region_slug=region.slug))
        try:
            check_layout(source)
        except LayoutError as problem:
            error = problem  # shown with its line; the stored layout stays as it was
        else:
            region.custom_layout = source
            record(db.session, current_user.id, "edit_layout", "region", region.id)
            db.session.commit()
            flash(_("The layout is saved and used for new issues."), "info")
            return redirect(url_for("newsletter.layout_edit", region_slug=region.slug))
    return render_template(
        "newsletter/layout_edit.html",
        region=region,
        source=source,
        error=error,
        form=form,
        custom=bool(region.custom_layout),
    )
