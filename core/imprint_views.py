"""Administrators keep each region's imprint (§ 5 DDG) and privacy link up to date;
every mail and public page of the region shows them. The joint list's sender (both
agencies) is kept here too."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import EmailField, Field, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from core.admin_views import bp
from core.audit import record
from core.db import db
from core.forms import Form
from core.imprint import IMPRINT_FIELDS, REQUIRED, imprint_lines, missing_fields
from core.models import JointSender, Region
from core.policy import requires
from core.regions import agencies_not_named, all_regions, joint_sender

NEEDED = _l("Please fill in this part of the imprint.")


def _field(name: str, size: int) -> StringField:
    checks = [DataRequired(NEEDED)] if name in REQUIRED else [Optional()]
    return StringField(IMPRINT_FIELDS[name], validators=[*checks, Length(max=size)])


class ImprintForm(Form):
    agency = _field("agency", 200)
    legal_form = _field("legal_form", 120)
    street = _field("street", 200)
    postcode = _field("postcode", 10)
    city = _field("city", 120)
    representatives = _field("representatives", 300)
    contact_email = EmailField(
        IMPRINT_FIELDS["contact_email"],
        validators=[
            DataRequired(NEEDED),
            Email(_l("Please enter a valid email address, like name@example.org.")),
        ],
    )
    short_name = StringField(
        _l("Short name of the agency"), validators=[Optional(), Length(max=40)]
    )
    phone = _field("phone", 60)
    register_court = _field("register_court", 120)
    register_number = _field("register_number", 60)
    vat_id = _field("vat_id", 30)
    imprint_note = TextAreaField(
        IMPRINT_FIELDS["imprint_note"], validators=[Optional(), Length(max=2000)]
    )
    privacy_url = StringField(
        IMPRINT_FIELDS["privacy_url"],
        validators=[
            DataRequired(NEEDED),
            Length(max=300),
            Regexp(
                r"^(/|https://)\S*$",
                message=_l("Enter a path of this site (/…) or an https:// address."),
            ),
        ],
    )


class JointSenderForm(Form):
    sender_name = StringField(
        _l("Sender name"), validators=[DataRequired(NEEDED), Length(max=120)]
    )
    sender_email = EmailField(
        _l("Sender address"),
        validators=[
            DataRequired(NEEDED),
            Length(max=254),
            Email(_l("Please enter a valid email address, like name@example.org.")),
        ],
    )

    def validate_sender_name(self, field: Field) -> None:
        """The list is both agencies' (Art. 26 GDPR): its mails say so by name."""
        missing = agencies_not_named(field.data or "", all_regions(db.session))
        if missing:
            raise ValidationError(
                _(
                    "The sender name must name both agencies, the joint controllers "
                    "of the list, by their names or short names. Missing: "
                    "%(missing)s.",
                    missing=", ".join(
                        f"{r.agency} ({r.short_name})" if r.short_name else r.agency
                        for r in missing
                    ),
                )
            )


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
