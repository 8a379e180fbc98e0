"""Administrators keep each region's imprint (§ 5 DDG) and privacy link up to date;
every mail and public page of the region shows them. The joint list's sender (both
agencies) is kept here too."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from core.admin_views import bp
from core.audit import record
from core.db import db
from core.imprint import IMPRINT_FIELDS, imprint_lines, missing_fields
from core.imprint_forms import ImprintForm, JointSenderForm
from core.models import JointSender, Region
from core.policy import requires
from core.regions import all_regions, joint_sender


@bp.route("/regions")
@requires("users")
def regions() -> str:
    found = all_regions(db.session)
    return render_template(
        "core/regions.html",
        regions=[(r, imprint_lines(r), missing_fields(r)) for r in found],
        joint=joint_sender(db.session),
    )


@bp.route("/regions/joint", methods=["GET", "POST"])
@requires("users")
def joint_sender_edit() -> str | Response:
    sender = joint_sender(db.session)
    form = JointSenderForm(obj=sender if request.method == "GET" else None)
    if form.validate_on_submit():
        if sender is None:
            sender = JointSender()
            db.session.add(sender)
        sender.sender_name = (form.sender_name.data or "").strip()
        sender.sender_email = (form.sender_email.data or "").strip()
        db.session.flush()
        record(db.session, current_user.id, "edit_sender", "joint_sender", sender.id)
        db.session.commit()
        flash(_("The sender of the interregional list is saved."), "info")
        return redirect(url_for("admin.regions"))
    return render_template("core/joint_sender_edit.html", form=form)


@bp.route("/regions/<int:region_id>", methods=["GET", "POST"])
@requires("users")
def region_edit(region_id: int) -> str | Response:
    region = db.session.get(Region, region_id)
    if region is None:
        abort(404)
    form = ImprintForm(obj=region if request.method == "GET" else None)
    if form.validate_on_submit():
        changed = {
            name: value.strip()
            for name in (*IMPRINT_FIELDS, "short_name")
            if (value := getattr(form, name).data or "").strip()
            != (getattr(region, name) or "")
        }
        for name, value in changed.items():
            setattr(region, name, value)
        record(
            db.session,
            current_user.id,
            "edit_imprint",
            "region",
            region.id,
            fields=sorted(changed),
        )
        db.session.commit()
        flash(_("The imprint of %(region)s is saved.", region=region.name), "info")
        return redirect(url_for("admin.regions"))
    return render_template("core/region_edit.html", form=form, region=region)
