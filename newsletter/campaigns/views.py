"""Managers compose issues: settings, blocks per language, preview, test send,
duplicates and templates."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from core.audit import record
from core.db import db
from core.forms import ConfirmForm, refuse_unoffered
from core.ids import form_id
from core.policy import (
    check_region,
    region_for_new_object,
    requires,
    visible_region_ids,
    visible_regions,
)
from newsletter.audience.lists import visible_lists
from newsletter.audience.models import Segment
from newsletter.blueprint import bp
from newsletter.campaigns.blocks import FieldSpec, block_types
from newsletter.campaigns.editing import (
    LANGUAGES,
    CampaignError,
    add_block,
    copy_german_to_english,
    duplicate,
    ensure_editable,
    from_template,
    move_block,
    remove_block,
    save_template,
    update_block,
)
from newsletter.campaigns.forms import CampaignSettingsForm, TemplateForm, TestSendForm
from newsletter.campaigns.images import ImageError, store_image
from newsletter.campaigns.models import BlockTemplate, Campaign
from newsletter.campaigns.preview import (
    parse_test_addresses,
    sample_rendering,
    send_test,
)
from newsletter.campaigns.rendering import checklist


def get_campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    check_region(current_user, campaign.region_id)
    return campaign


def _language() -> str:
    language = request.values.get("lang", "de")
    return language if language in LANGUAGES else "de"


def _campaign_query():
    regions = visible_region_ids(current_user)
    query = select(Campaign).order_by(Campaign.created_at.desc())
    if regions is not None:
        query = query.where(Campaign.region_id.in_(regions))
    return query


@bp.route("/campaigns")
@requires("campaigns")
def campaigns() -> str:
    regions = visible_region_ids(current_user)
    templates = select(BlockTemplate).order_by(BlockTemplate.name)
    if regions is not None:
        templates = templates.where(BlockTemplate.region_id.in_(regions))
    return render_template(
        "newsletter/campaigns.html",
        campaigns=list(db.session.scalars(_campaign_query())),
        templates=list(db.session.scalars(templates)),
        regions=visible_regions(),
        interregional=regions is None,
        form=ConfirmForm(),
    )


@bp.route("/campaigns/new", methods=["POST"])
@requires("campaigns")
def campaign_new() -> BaseResponse:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    template_id = form_id("template_id")
    region_id = region_for_new_object()
    if template_id:
        template = db.session.get(BlockTemplate, template_id)
        if template is None:
            abort(404)
        if template.region_id is not None:
            check_region(current_user, template.region_id)
        campaign = from_template(db.session, template, region_id, current_user.id)
    else:
        campaign = Campaign(
            region_id=region_id, created_by=current_user.id, title=_("New issue")
        )
        db.session.add(campaign)
        db.session.flush()
    record(db.session, current_user.id, "create", "campaign", campaign.id)
    db.session.commit()
    return redirect(url_for("newsletter.campaign_edit", campaign_id=campaign.id))


def _settings_form(campaign: Campaign) -> CampaignSettingsForm:
    form = CampaignSettingsForm()
    regions = [campaign.region_id] if campaign.region_id else None
    # Only lists whose consent names the sender: the region's own, or for an
    # interregional issue the joint list (its consent names both agencies).
    form.lists.choices = [
        SelectChoice(ml.id, ml.name)
        for ml in visible_lists()
        if ml.region_id == campaign.region_id
    ]
    segments = select(Segment).order_by(Segment.name)
    if regions is not None:
        segments = segments.where(Segment.region_id.in_(regions))
    form.segments.choices = [
        SelectChoice(s.id, s.name) for s in db.session.scalars(segments)
    ]
    if request.method == "GET":
        form.process(
            data={
                "title": campaign.title,
                "subject_de": campaign.subject.get("de", ""),
                "subject_en": campaign.subject.get("en", ""),
                "preheader_de": campaign.preheader.get("de", ""),
                "preheader_en": campaign.preheader.get("en", ""),
                "lists": campaign.list_ids,
                "segments": campaign.segment_ids,
            }
        )
    return form


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@requires("campaigns")
def campaign_edit(campaign_id: int) -> str | BaseResponse:
    campaign = get_campaign(campaign_id)
    language = _language()
    form = _settings_form(campaign)
    if request.method == "POST":
        refuse_unoffered(form.lists, form.segments)
    if request.method == "POST" and form.validate_on_submit():
        try:
            ensure_editable(campaign)
        except CampaignError as error:
            flash(str(error), "error")
        else:
            campaign.title = form.title.data or ""
            campaign.subject = {
                "de": form.subject_de.data or "",
                "en": form.subject_en.data or "",
            }
            campaign.preheader = {
                "de": form.preheader_de.data or "",
                "en": form.preheader_en.data or "",
            }
            campaign.list_ids = list(form.lists.data or [])
            campaign.segment_ids = list(form.segments.data or [])
            record(db.session, current_user.id, "edit", "campaign", campaign.id)
            db.session.commit()
            flash(_("Settings saved."), "info")
            return redirect(
                url_for(
                    "newsletter.campaign_edit", campaign_id=campaign.id, lang=language
                )
            )
    return render_template(
        "newsletter/campaign_edit.html",
        campaign=campaign,
        form=form,
        language=language,
        blocks=campaign.blocks_for(language),
        types=block_types(),
        action_form=ConfirmForm(),
        editable=campaign.status == "draft",
    )


@bp.route("/campaigns/<int:campaign_id>/blocks", methods=["POST"])
@requires("campaigns")
def campaign_block_add(campaign_id: int) -> BaseResponse:
    campaign = get_campaign(campaign_id)
    language = _language()
    kind = request.form.get("type", "")
    if ConfirmForm().validate_on_submit() and kind in block_types():
        try:
            block = add_block(campaign, language, kind)
        except CampaignError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            return redirect(
                url_for(
                    "newsletter.campaign_edit",
                    campaign_id=campaign.id,
                    lang=language,
                    _anchor=f"block-{block['id']}",
                )
            )
    return redirect(
        url_for("newsletter.campaign_edit", campaign_id=campaign.id, lang=language)
    )


@bp.route("/campaigns/<int:campaign_id>/blocks/<block_id>", methods=["POST"])
@requires("campaigns")
def campaign_block(campaign_id: int, block_id: str) -> BaseResponse:
    campaign = get_campaign(campaign_id)
    language = _language()
    action = request.form.get("action", "save")
    back = url_for(
        "newsletter.campaign_edit",
        campaign_id=campaign.id,
        lang=language,
        _anchor=f"block-{block_id}",
    )
    if not ConfirmForm().validate_on_submit():
        abort(400)
    block = next(
        (b for b in campaign.blocks_for(language) if b["id"] == block_id), None
    )
    if block is None:
        abort(404)
    try:
        if action == "up":
            move_block(campaign, language, block_id, -1)
        elif action == "down":
            move_block(campaign, language, block_id, 1)
        elif action == "delete":
            remove_block(campaign, language, block_id)
        else:
            spec = block_types()[block["type"]]
            values = {}
            for spec_field in spec.fields:
                if spec_field.kind == "image":
                    upload = request.files.get(spec_field.name)
                    if upload and upload.filename:
                        image = store_image(
                            db.session, upload.read(), campaign.region_id
                        )
                        values[spec_field.name] = image.filename
                else:
                    values[spec_field.name] = _field_value(spec_field, campaign)
            update_block(campaign, language, block_id, values)
            flash(_("Block saved."), "info")
    except (CampaignError, ImageError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    return redirect(back)


def _field_value(spec_field: FieldSpec, campaign: Campaign) -> str:
    """A block field's posted value; a choice that was not offered (another region's
    survey) is 404."""
    value = request.form.get(spec_field.name, "")[:20000]
    if spec_field.choices is not None and value:
        offered = {choice for choice, _label in spec_field.choices(campaign.region_id)}
        if value not in offered:
            abort(404)
    return value


@bp.route("/campaigns/<int:campaign_id>/copy-to-english", methods=["POST"])
@requires("campaigns")
def campaign_copy_to_english(campaign_id: int) -> BaseResponse:
    campaign = get_campaign(campaign_id)
    if ConfirmForm().validate_on_submit():
        try:
            copy_german_to_english(campaign)
            db.session.commit()
            flash(_("The German blocks are copied; now translate them."), "info")
        except CampaignError as error:
            flash(str(error), "error")
    return redirect(
        url_for("newsletter.campaign_edit", campaign_id=campaign.id, lang="en")
    )


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
        test_form=TestSendForm(language=language),
        template_form=TemplateForm(),
        action_form=ConfirmForm(),
    )


@bp.route("/campaigns/<int:campaign_id>/preview.html")
@requires("campaigns")
def campaign_preview_html(campaign_id: int) -> BaseResponse:
    campaign = get_campaign(campaign_id)
    _subject, html, _text = sample_rendering(campaign, _language())
    response = BaseResponse(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'; "
        "base-uri 'none'; form-action 'none'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


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
