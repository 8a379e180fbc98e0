"""Managers compose issues: settings, blocks per language, preview, test send,
duplicates and templates."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.db import db
from core.forms import ConfirmForm
from core.ids import MAX_ID
from core.models import Role
from core.policy import (
    acted_for_regions,
    check_acting_for,
    held,
    region_for_new_object,
    requires,
)
from newsletter.blueprint import bp
from newsletter.campaigns.audiences import automation_facts, standing_kinds
from newsletter.campaigns.checklist import checklist
from newsletter.campaigns.editing import (
    LANGUAGES,
    CampaignError,
    duplicate,
    from_template,
    save_template,
)
from newsletter.campaigns.forms import TemplateForm, TestSendForm
from newsletter.campaigns.models import ISSUE, BlockTemplate, Campaign
from newsletter.campaigns.preview import (
    parse_test_addresses,
    sample_rendering,
    sandboxed,
    send_test,
)


def get_campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    check_acting_for(current_user, campaign.region_id)
    return campaign


def _language() -> str:
    language = request.values.get("lang", "de")
    return language if language in LANGUAGES else "de"


def _campaign_query():
    # A standing campaign (a welcome mail) has a page of its own.
    query = select(Campaign).where(
        Campaign.kind.not_in(standing_kinds()), held(current_user, Campaign.region_id)
    )
    return query.order_by(Campaign.created_at.desc())


@bp.route("/campaigns")
@requires("campaigns")
def campaigns() -> str:
    templates = (
        select(BlockTemplate)
        .where(held(current_user, BlockTemplate.region_id))
        .order_by(BlockTemplate.name)
    )
    campaigns = list(db.session.scalars(_campaign_query()))
    return render_template(
        "newsletter/campaigns.html",
        campaigns=campaigns,
        templates=list(db.session.scalars(templates)),
        previous=[c for c in campaigns if c.kind == ISSUE and c.blocks_for("de")][:10],
        regions=acted_for_regions(),
        # Only administrators act for more than one controller and choose.
        interregional=current_user.role == Role.ADMIN,
        form=ConfirmForm(),
    )


@bp.route("/campaigns/new", methods=["POST"])
@requires("campaigns")
def campaign_new() -> BaseResponse:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    kind, _sep, raw = request.form.get("start", "").partition(":")
    start_id = _start_id(raw) if kind in ("template", "issue") else None
    region_id = region_for_new_object()
    if kind == "template" and start_id:
        template = db.session.get(BlockTemplate, start_id)
        if template is None:
            abort(404)
        check_acting_for(current_user, template.region_id)
        campaign = from_template(db.session, template, region_id, current_user.id)
    elif kind == "issue" and start_id:
        campaign = duplicate(db.session, get_campaign(start_id), current_user.id)
    else:
        campaign = Campaign(
            region_id=region_id, created_by=current_user.id, title=_("New issue")
        )
        db.session.add(campaign)
        db.session.flush()
    record(db.session, current_user.id, "create", "campaign", campaign.id)
    db.session.commit()
    return redirect(url_for("newsletter.campaign_edit", campaign_id=campaign.id))


def _start_id(raw: str) -> int:
    """The id of what a new issue starts from; 404 if it cannot be one."""
    if not raw.isdigit() or int(raw) > MAX_ID:
        abort(404)
    return int(raw)


@bp.route("/campaigns/<int:campaign_id>/preview")
@requires("campaigns")
def campaign_preview(campaign_id: int) -> str:
    campaign = get_campaign(campaign_id)
    language = _language()
    subject, html, text = sample_rendering(campaign, language)
    return render_template(
        "newsletter/campaign_preview.html",
        campaign=campaign,
        language=language,
        subject=subject,
        text=text,
        size=len(html.encode()),
        findings=checklist(campaign),
        automation=automation_facts(db.session, campaign),
        test_form=TestSendForm(language=language),
        template_form=TemplateForm(),
        action_form=ConfirmForm(),
    )


@bp.route("/campaigns/<int:campaign_id>/preview.html")
@requires("campaigns")
def campaign_preview_html(campaign_id: int) -> BaseResponse:
    campaign = get_campaign(campaign_id)
    _subject, html, _text = sample_rendering(campaign, _language())
    return sandboxed(html)


@bp.route("/campaigns/<int:campaign_id>/test", methods=["POST"])
@requires("campaigns")
def campaign_test_send(campaign_id: int) -> BaseResponse:
    campaign = get_campaign(campaign_id)
    form = TestSendForm()
    back = url_for(
        "newsletter.campaign_preview",
        campaign_id=campaign.id,
        lang=form.language.data or "de",
    )
    if not form.validate_on_submit():
        for error in form.addresses.errors:
            flash(str(error), "error")
        return redirect(back)
    try:
        addresses = parse_test_addresses(form.addresses.data or "")
        send_test(campaign, addresses, form.language.data or "de")
    except CampaignError as error:
        flash(str(error), "error")
    except OSError:
        flash(
            _("The mail server did not accept the test mail. Please try again later."),
            "error",
        )
    else:
        record(
            db.session,
            current_user.id,
            "test_send",
            "campaign",
            campaign.id,
            count=len(addresses),
        )
        db.session.commit()
        flash(_("Test sent to %(addresses)s.", addresses=", ".join(addresses)), "info")
    return redirect(back)


@bp.route("/campaigns/<int:campaign_id>/duplicate", methods=["POST"])
@requires("campaigns")
def campaign_duplicate(campaign_id: int) -> BaseResponse:
    campaign = get_campaign(campaign_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    twin = duplicate(db.session, campaign, current_user.id)
    record(
        db.session,
        current_user.id,
        "duplicate",
        "campaign",
        twin.id,
        source=campaign.id,
    )
    db.session.commit()
    flash(_("This is a copy; change it for the next issue."), "info")
    return redirect(url_for("newsletter.campaign_edit", campaign_id=twin.id))


@bp.route("/campaigns/<int:campaign_id>/template", methods=["POST"])
@requires("campaigns")
def campaign_save_template(campaign_id: int) -> BaseResponse:
    campaign = get_campaign(campaign_id)
    form = TemplateForm()
    if form.validate_on_submit():
        save_template(db.session, campaign, form.name.data or "")
        db.session.commit()
        flash(_("Saved as template “%(name)s”.", name=form.name.data), "info")
    else:
        for error in form.name.errors:
            flash(str(error), "error")
    return redirect(url_for("newsletter.campaign_preview", campaign_id=campaign.id))
