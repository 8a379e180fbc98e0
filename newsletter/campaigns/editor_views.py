"""The issue editor: one form for the settings and every block of a language. Each of
its buttons first saves everything typed, then adds, moves or removes; a script saves
the same form in the background (autosave) and warns before leaving unsaved."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from core.audit import record
from core.db import db
from core.forms import ConfirmForm, refuse_unoffered
from core.input_guard import ONE_LINE, has_line_break
from core.policy import acting_for, requires
from newsletter.audience.lists import visible_lists
from newsletter.audience.models import Segment
from newsletter.blueprint import bp
from newsletter.campaigns.audiences import automation_facts
from newsletter.campaigns.blocks import Block, FieldSpec, block_types
from newsletter.campaigns.checklist import switch_off_if_broken
from newsletter.campaigns.drafts import Draft, Settings, apply_draft
from newsletter.campaigns.editing import (
    LANGUAGES,
    CampaignError,
    add_block,
    copy_german_to_english,
    is_editable,
    move_block,
    remove_block,
)
from newsletter.campaigns.forms import CampaignSettingsForm
from newsletter.campaigns.images import ImageError, store_image
from newsletter.campaigns.models import Campaign
from newsletter.campaigns.views import get_campaign

MAX_FIELD_LENGTH = 20000
# Block fields shown as one-line inputs (headings, button labels, addresses).
ONE_LINE_KINDS = ("text", "url", "date")


def _language() -> str:
    language = request.values.get("lang", "de")
    return language if language in LANGUAGES else "de"


def settings_form(campaign: Campaign) -> CampaignSettingsForm:
    """The settings part of the editor, offering the lists and segments of the
    issue's region only."""
    form = CampaignSettingsForm()
    # Only lists whose consent names the sender: the region's own, or for an
    # interregional issue the joint list (its consent names both agencies).
    form.lists.choices = [
        SelectChoice(ml.id, ml.name)
        for ml in visible_lists()
        if ml.region_id == campaign.region_id
    ]
    # Segments of the controllers the user acts for: never another's audience.
    segments = select(Segment).order_by(Segment.name)
    if campaign.region_id is not None:
        segments = segments.where(Segment.region_id == campaign.region_id)
    form.segments.choices = [
        SelectChoice(s.id, s.name)
        for s in db.session.scalars(segments)
        if acting_for(current_user, s.region_id)
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


def _settings(form: CampaignSettingsForm) -> Settings:
    return Settings(
        title=form.title.data or "",
        subject={"de": form.subject_de.data or "", "en": form.subject_en.data or ""},
        preheader={
            "de": form.preheader_de.data or "",
            "en": form.preheader_en.data or "",
        },
        list_ids=list(form.lists.data or []),
        segment_ids=list(form.segments.data or []),
    )


def _field_value(block: Block, campaign: Campaign, spec_field: FieldSpec) -> str:
    """A block field's posted value; a choice that was not offered (another region's
    survey) is 404, unless the block has it already (a survey closed since: the
    checklist says so, saving the rest must still work)."""
    value = request.form.get(f"b-{block['id']}-{spec_field.name}", "")
    if spec_field.kind in ONE_LINE_KINDS and has_line_break(value):
        raise CampaignError(f"{spec_field.label}: {ONE_LINE}")
    if spec_field.choices is not None and value and value != block.get(spec_field.name):
        offered = {choice for choice, _label in spec_field.choices(campaign.region_id)}
        if value not in offered:
            abort(404)
    return value[:MAX_FIELD_LENGTH]


def _typed_blocks(campaign: Campaign, language: str, uploads: bool) -> Draft:
    """The blocks as the form shows them: order and typed values. Pictures are
    stored only on a real submit, never by autosave."""
    types = block_types()
    draft = Draft(order=request.form.getlist("block"))
    for block in campaign.blocks_for(language):
        spec = types.get(block.get("type", ""))
        if spec is None or block["id"] not in draft.order:
            continue
        typed: dict[str, str] = {}
        for spec_field in spec.fields:
            name = f"b-{block['id']}-{spec_field.name}"
            if spec_field.kind != "image":
                if name in request.form:
                    typed[spec_field.name] = _field_value(block, campaign, spec_field)
                continue
            upload = request.files.get(name)
            if uploads and upload and upload.filename:
                image = store_image(db.session, upload.read(), campaign.region_id)
                typed[spec_field.name] = image.filename
        draft.values[block["id"]] = typed
    return draft


def _save_typed(
    campaign: Campaign, language: str, form: CampaignSettingsForm, uploads: bool
) -> bool:
    """Save what the form carries; False if the settings had errors (the blocks are
    saved all the same)."""
    refuse_unoffered(form.lists, form.segments)
    draft = _typed_blocks(campaign, language, uploads)
    valid = form.validate()
    if valid:
        draft.settings = _settings(form)
    apply_draft(campaign, language, draft)
    return valid


def _act(campaign: Campaign, language: str, action: str) -> str | None:
    """Carry out a button's action after saving; the block to show next."""
    verb, _sep, block_id = action.partition(":")
    if verb == "add":
        kind = request.form.get("new_type", "")
        if kind not in block_types():
            abort(400)
        return str(add_block(campaign, language, kind)["id"])
    if verb in ("up", "down"):
        move_block(campaign, language, block_id, -1 if verb == "up" else 1)
        return block_id
    if verb == "delete":
        remove_block(campaign, language, block_id)
        return None
    return None


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@requires("campaigns")
def campaign_edit(campaign_id: int) -> str | BaseResponse:
    campaign = get_campaign(campaign_id)
    language = _language()
    form = settings_form(campaign)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            valid = _save_typed(campaign, language, form, uploads=True)
            anchor = _act(campaign, language, request.form.get("action", "save"))
        except (CampaignError, ImageError) as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            record(db.session, current_user.id, "edit", "campaign", campaign.id)
            stopped = switch_off_if_broken(db.session, campaign)
            db.session.commit()
            if stopped:
                flash(_switched_off(stopped), "error")
            elif valid:
                flash(_("Saved."), "info")
            if valid:
                return redirect(
                    url_for(
                        "newsletter.campaign_edit",
                        campaign_id=campaign.id,
                        lang=language,
                        _anchor=f"block-{anchor}" if anchor else None,
                    )
                )
            flash(_("The blocks are saved; please correct the settings."), "error")
    return render_template(
        "newsletter/campaign_edit.html",
        campaign=campaign,
        form=form,
        language=language,
        blocks=campaign.blocks_for(language),
        types=block_types(),
        action_form=ConfirmForm(),
        editable=is_editable(campaign),
        automation=automation_facts(db.session, campaign),
    )


@bp.route("/campaigns/<int:campaign_id>/draft", methods=["POST"])
@requires("campaigns")
def campaign_autosave(campaign_id: int) -> BaseResponse | tuple[BaseResponse, int]:
    """The editor's background save: JSON, never a redirect; pictures wait for a
    real submit."""
    campaign = get_campaign(campaign_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    language = _language()
    form = settings_form(campaign)
    try:
        valid = _save_typed(campaign, language, form, uploads=False)
    except CampaignError as error:
        db.session.rollback()
        return jsonify(saved=False, message=str(error)), 409
    stopped = switch_off_if_broken(db.session, campaign)
    db.session.commit()
    errors = [str(e) for errors in form.errors.values() for e in errors]
    if stopped:
        message = _switched_off(stopped)
    elif valid:
        message = _("Saved at %(time)s.", time=format_time(format="short"))
    else:
        message = _("Blocks saved; the settings have errors: %(e)s", e=" ".join(errors))
    return jsonify(saved=True, settings_saved=valid, message=message)


def _switched_off(problems: list[str]) -> str:
    return _(
        "Saved, but switched off so that it does not go out like this: %(problems)s",
        problems=" ".join(problems),
    )


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
