"""The "Willkommensmails" page: each controller's welcome mail and the optional
second one (a region's, switched on and off by its managers; the joint list's, by
interregional managers), with a preview and how many got each; their content is
edited as blocks in the issue editor."""

from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.db import db
from core.forms import ConfirmForm
from core.models import Region
from core.policy import acted_for_regions, acting_for, check_acting_for, requires
from newsletter.audience.consent import JOINT_SLUG
from newsletter.audience.controllers import Controller, controller_of
from newsletter.blueprint import bp
from newsletter.campaigns.checklist import checklist
from newsletter.campaigns.models import Campaign
from newsletter.sending.welcome import (
    STEPS,
    WelcomeInput,
    save_welcome,
    welcome_mail,
    welcomed,
)
from newsletter.sending.welcome_forms import WelcomeForm


def _controllers() -> list[Controller]:
    """Whose welcome mails the user edits: her regions' agencies, then the joint."""
    found = [controller_of(db.session, r.id) for r in acted_for_regions()]
    if acting_for(current_user, None):
        found.append(controller_of(db.session, None))
    return found


def _controller(slug: str) -> Controller:
    """The controller of the page's slug (a region's, or the joint list's); 404
    for one the user does not act for."""
    if slug == JOINT_SLUG:
        controller = controller_of(db.session, None)
    else:
        region = db.session.scalar(select(Region).where(Region.slug == slug))
        if region is None:
            abort(404)
        controller = controller_of(db.session, region.id)
    check_acting_for(current_user, controller.region.id if controller.region else None)
    return controller


def _form(region: Region | None, step: int, posted: bool) -> WelcomeForm:
    """The step's form: as posted, or filled from what is saved."""
    prefix = f"w{step}"
    if posted:
        return WelcomeForm(prefix=prefix)
    mail = welcome_mail(db.session, region, step)
    campaign = db.session.get(Campaign, mail.campaign_id) if mail else None
    if mail is None or campaign is None:
        return WelcomeForm(formdata=None, prefix=prefix)
    return WelcomeForm(
        formdata=None,
        prefix=prefix,
        enabled=campaign.status == "sending",
        delay_days=mail.delay_days if step > 1 else 7,
    )


@bp.route("/welcome")
@requires("campaigns")
def welcome_mails_index() -> BaseResponse:
    controllers = _controllers()
    if not controllers:
        abort(404)
    return redirect(
        url_for("newsletter.welcome_mails", region_slug=controllers[0].slug)
    )


def _must_fix(campaign_id: int) -> list[str]:
    """The checklist's errors of a welcome mail as saved (they block sending)."""
    campaign = db.session.get(Campaign, campaign_id)
    assert campaign is not None  # noqa: S101 - foreign key
    return [message for severity, message in checklist(campaign) if severity == "error"]


def _save(region: Region | None, step: int, form: WelcomeForm) -> None:
    """Save what the manager typed; switch it on only when its checklist has no
    error (the text is kept either way, and the page says why it stays off)."""
    given = WelcomeInput(bool(form.enabled.data), form.delay_days.data or 7)
    mail = save_welcome(db.session, region, step, given)
    problems = _must_fix(mail.campaign_id)
    if given.enabled and problems:
        save_welcome(db.session, region, step, replace(given, enabled=False))
    record(db.session, current_user.id, "edit", "welcome_mail", mail.id)
    db.session.commit()
    if given.enabled and problems:
        flash(
            _("Saved, but not switched on: %(problems)s", problems=" ".join(problems)),
            "error",
        )
    else:
        flash(_("Saved."), "info")


def _create_and_edit(region: Region | None, step: int) -> BaseResponse:
    """Create the step's mail (switched off) if it has none yet, and open its
    blocks in the issue editor."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    mail = welcome_mail(db.session, region, step)
    if mail is None:
        mail = save_welcome(db.session, region, step, WelcomeInput(False, 7))
        record(db.session, current_user.id, "create", "welcome_mail", mail.id)
        db.session.commit()
    return redirect(url_for("newsletter.campaign_edit", campaign_id=mail.campaign_id))


@bp.route("/welcome/<region_slug>", methods=["GET", "POST"])
@requires("campaigns")
def welcome_mails(region_slug: str) -> str | BaseResponse:
    controller = _controller(region_slug)
    region = controller.region
    posted_step = (
        request.form.get("step", type=int) if request.method == "POST" else None
    )
    if request.method == "POST" and posted_step not in STEPS:
        abort(400)
    if posted_step is not None and request.form.get("action") == "edit":
        return _create_and_edit(region, posted_step)
    forms = {step: _form(region, step, step == posted_step) for step in STEPS}
    if posted_step is not None:
        form = forms[posted_step]
        if form.validate_on_submit():
            _save(region, posted_step, form)
            return redirect(
                url_for("newsletter.welcome_mails", region_slug=controller.slug)
            )
    mails = {step: welcome_mail(db.session, region, step) for step in STEPS}
    return render_template(
        "newsletter/welcome_mails.html",
        action_form=ConfirmForm(),
        controller=controller,
        controllers=_controllers(),
        forms=forms,
        mails=mails,
        campaigns={
            step: db.session.get(Campaign, mail.campaign_id)
            for step, mail in mails.items()
            if mail
        },
        counts={
            step: welcomed(db.session, mail) for step, mail in mails.items() if mail
        },
    )
