"""Public pages of sent issues: the web version, each region's archive, the pictures
mails show, and the page that test links lead to."""

import re

from flask import abort, current_app, render_template, send_from_directory
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import escape
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from core.cookieless import cookieless
from core.db import db
from core.links import external_url
from core.models import Region
from core.policy import acting_for, allowed
from newsletter.audience.forms import FreshLinkForm
from newsletter.audience.tokens import LinkError
from newsletter.blueprint import bp
from newsletter.campaigns.editing import LANGUAGES
from newsletter.campaigns.models import ISSUE, Campaign, CampaignStatus, Image
from newsletter.campaigns.rendering import (
    compile_campaign,
    extra_values,
    neutral_subject,
    personal_values,
    personalise,
)
from newsletter.campaigns.web_links import own_links_of


def public_html(
    campaign: Campaign, language: str, own_links: dict[str, str] | None = None
) -> str:
    """The issue without anything personal: neutral greeting; the recipient's own
    unsubscribe and settings links where the link came from their mail, else a page
    that says how to find them."""
    region = campaign.region
    how_to = external_url("newsletter.web_version_links", campaign_id=campaign.id)
    values = {
        **personal_values("", "", region.name if region else "", language),
        **extra_values(campaign, None),
        "unsubscribe_url": how_to,
        "preferences_url": how_to,
        **(own_links or {}),
        "web_url": external_url(
            "newsletter.web_version", campaign_id=campaign.id, lang=language
        ),
    }
    return personalise(compile_campaign(campaign, language), values)[1]


BODY_START = re.compile(r"<body[^>]*>", re.IGNORECASE)
NOTICE_STYLE = (
    "margin:0;padding:12px 16px;background:#fff4d6;color:#3d2f00;"
    "font:15px/1.4 Arial,Helvetica,sans-serif;text-align:center"
)


def with_expiry_notice(html: str, campaign: Campaign, language: str) -> str:
    """The issue with a line on top: its personal links have expired, and where
    a fresh one is to be had."""
    how_to = external_url("newsletter.web_version_links", campaign_id=campaign.id)
    with force_locale(language):
        text = _(
            "The personal links of this web version have expired. You can request "
            "a new link to your settings by mail."
        )
        action = _("Request a new link")
    notice = (
        f'<p style="{NOTICE_STYLE}">{escape(text)} '
        f'<a href="{escape(how_to)}">{escape(action)}</a></p>'
    )
    match = BODY_START.search(html)
    position = match.end() if match else 0
    return html[:position] + notice + html[position:]


def _may_preview(campaign: Campaign) -> bool:
    if not (current_user.is_authenticated and allowed(current_user, "campaigns")):
        return False
    return acting_for(current_user, campaign.region_id)


WEB_VERSION_POLICY = (
    "sandbox allow-popups allow-popups-to-escape-sandbox "
    "allow-top-navigation-by-user-activation; "
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


@bp.route("/ausgabe/<int:campaign_id>")
@bp.route("/ausgabe/<int:campaign_id>/<lang>")
@bp.route("/ausgabe/<int:campaign_id>/<lang>/<token>")
@cookieless
def web_version(campaign_id: int, lang: str = "de", token: str = "") -> BaseResponse:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or lang not in LANGUAGES:
        abort(404)
    expired = False
    try:
        own_links = own_links_of(campaign, token) if token else None
    except LinkError:
        own_links, expired = None, True
    if not (
        (campaign.status == CampaignStatus.SENT and campaign.kind == ISSUE)
        or own_links
        or _may_preview(campaign)
    ):
        abort(404)
    language = lang if campaign.blocks_for(lang) else "de"
    html = public_html(campaign, language, own_links)
    if expired:
        html = with_expiry_notice(html, campaign, language)
    response = BaseResponse(html, mimetype="text/html")
    # The mail's own styles are inline; nothing in it may run, submit or re-base.
    response.headers["Content-Security-Policy"] = WEB_VERSION_POLICY
    return response


@bp.route("/ausgabe/<int:campaign_id>/eigene-links")
@cookieless
def web_version_links(campaign_id: int) -> str:
    """Where the unsubscribe and settings links of a web version opened without a
    personal link lead: how to reach one's own."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    region = campaign.region or db.session.scalar(select(Region).order_by(Region.id))
    return render_template(
        "newsletter/web_version_links.html",
        campaign=campaign,
        region=region,
        fresh_link_form=FreshLinkForm(),
    )


@bp.route("/archiv/<region_slug>")
@cookieless
def archive(region_slug: str) -> str:
    region = db.session.scalar(select(Region).where(Region.slug == region_slug))
    if region is None:
        abort(404)
    issues = list(
        db.session.scalars(
            select(Campaign)
            .where(Campaign.status == CampaignStatus.SENT, Campaign.kind == ISSUE)
            .where((Campaign.region_id == region.id) | Campaign.region_id.is_(None))
            .order_by(Campaign.sent_at.desc())
        )
    )
    language = str(get_locale())
    return render_template(
        "newsletter/archive.html",
        region=region,
        issues=[(issue, neutral_subject(issue, language)) for issue in issues],
    )


@bp.route("/media/<filename>")
@cookieless
def media(filename: str) -> BaseResponse:
    image = db.session.scalar(select(Image).where(Image.filename == filename))
    if image is None:
        abort(404)
    response = send_from_directory(
        current_app.config["MEDIA_DIR"], image.filename, max_age=365 * 24 * 3600
    )
    return response


@bp.route("/testlink", methods=["GET", "POST"])
@cookieless
def test_link() -> str:
    """Where personal links of a test send lead: nothing happens here."""
    return render_template("newsletter/test_link.html")
