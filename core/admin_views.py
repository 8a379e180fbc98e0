"""Administrators' pages: user accounts and the audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from core.audit import record
from core.auth import AccountError, create_user, deactivate
from core.db import db
from core.forms import ConfirmForm
from core.ids import page_number
from core.models import AuditEntry, Region, Role, User
from core.policy import requires

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 100


@bp.route("/users", methods=["GET", "POST"])
@requires("users")
def users() -> str | Response:
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        region = request.form.get("region") or None
        try:
            user = create_user(
                db.session,
                request.form.get("email", ""),
                request.form.get("password", ""),
                request.form.get("role", ""),
                request.form.get("name", ""),
                region,
            )
        except AccountError as error:
            flash(str(error), "error")
        else:
            record(
                db.session, current_user.id, "create", "user", user.id, role=user.role
            )
            db.session.commit()
            flash(_("The account %(email)s is created.", email=user.email), "info")
        return redirect(url_for("admin.users"))
    return render_template(
        "core/users.html",
        users=list(db.session.scalars(select(User).order_by(User.email))),
        regions=list(db.session.scalars(select(Region).order_by(Region.name))),
        roles=list(Role),
        form=form,
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@requires("users")
def user_deactivate(user_id: int) -> Response:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("admin.users"))
    deactivate(db.session, user)
    record(db.session, current_user.id, "deactivate", "user", user.id)
    db.session.commit()
    flash(
        _(
            "The account %(email)s is deactivated; its sessions have ended.",
            email=user.email,
        ),
        "info",
    )
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@requires("users")
def audit() -> str:
    page = page_number()
    entries = db.session.execute(
        select(AuditEntry, User.email)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .order_by(AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "core/audit.html", entries=entries, page=page, page_size=PAGE_SIZE
    )
