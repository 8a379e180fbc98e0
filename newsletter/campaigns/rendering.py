"""Rendering a campaign: MJML compiled once per campaign and language, then only cheap
substitutions per recipient (name, signed links)."""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateNotFound
from markupsafe import Markup, escape

from core.db import db
from core.links import external_url
from core.mjml import mjml_to_html
from core.models import Region
from core.registry import registry
from newsletter.audience.controllers import controller_of
from newsletter.campaigns.blocks import RenderContext, block_types
from newsletter.campaigns.layouts import (
    REGION_FIELDS,
    LayoutError,
    check_layout,
    render_custom,
)
from newsletter.campaigns.models import Campaign

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
PERSONAL = {"first_name", "name", "organisation", "region", "greeting"}
LINKS = {"unsubscribe_url", "preferences_url", "web_url"}
GMAIL_CLIP_BYTES = 100 * 1024
# The header colours of the layouts in templates/emails/, for buttons to match.
ACCENTS: dict[str | None, str] = {
    "suedwestfalen": "#0b5d50",
    "dortmund": "#8c1d2f",
    None: "#234e70",
}


@dataclass(frozen=True)
class Compiled:
    language: str
    subject: str
    preheader: str
    html: str
    text: str


def media_url(filename: str) -> str:
    return external_url("newsletter.media", filename=filename)


def language_for(campaign: Campaign, preferred: str) -> str:
    """The subscriber's language if the issue has it, else German."""
    return preferred if campaign.blocks_for(preferred) else "de"


def layout_template(region: Region | None) -> str:
    return f"emails/layout_{region.slug if region else 'interregional'}.mjml.html"


def compile_campaign(campaign: Campaign, language: str) -> Compiled:
    """The issue in one language, with placeholders left for personalisation."""
    region = campaign.region
    ctx = RenderContext(
        language=language,
        region_name=region.name if region else "Südwestfalen · Dortmund",
        media_url=media_url,
        accent=ACCENTS.get(region.slug if region else None, ACCENTS[None]),
    )
    types = block_types()
    blocks = [b for b in campaign.blocks_for(language) if b.get("type") in types]
    subject = campaign.subject_for(language)
    preheader = campaign.preheader.get(language) or campaign.preheader.get("de") or ""
    # Everything a block or layout says on its own ("More information", hints)
    # in the mail's language, not in that of the page or worker rendering it.
    with force_locale(language):
        body = "".join(types[b["type"]].mjml(b, ctx) for b in blocks)
        texts = [types[b["type"]].text(b, ctx) for b in blocks]
        context = layout_context(
            region,
            language,
            subject,
            preheader,
            Markup(body),  # noqa: S704 - block output is escaped or sanitised
            [t for t in texts if t],
        )
        html = _custom_html(region, context) or mjml_to_html(
            _standard_layout(region, context)
        )
        text = render_template("emails/campaign.txt", **context)
    return Compiled(language, subject, preheader, html, text)


def _standard_layout(region: Region | None, context: dict[str, Any]) -> str:
    try:
        return render_template(layout_template(region), **context)
    except TemplateNotFound:
        return render_template("emails/layout_base.mjml.html", **context)


def custom_layout_problem(region: Region | None) -> str | None:
    """Why the region's own layout is not used (the standard one is), if so."""
    if region is None or not region.custom_layout:
        return None
    try:
        check_layout(region.custom_layout)
    except LayoutError as error:
        return str(
            _l(
                "The region's own layout cannot be used (%(error)s); the standard "
                "layout is used instead.",
                error=str(error),
            )
        )
    return None


def _custom_html(region: Region | None, context: dict[str, Any]) -> str | None:
    """The region's own layout, or None: a stored layout that no longer renders
    (saved before today's checks) falls back to the standard one, so that no
    preview, web version or send fails over it."""
    if region is None or not region.custom_layout:
        return None
    try:
        # Checked again: a layout saved before a check was added (one that hands
        # personal links to a third party, say) never reaches a reader.
        check_layout(region.custom_layout)
        return mjml_to_html(render_custom(region.custom_layout, context))
    except Exception as error:  # jinja2, the sandbox and mjml raise many kinds
        current_app.logger.warning("layout of %s not used: %s", region.slug, error)
        return None


def layout_context(
    region: Region | None,
    language: str,
    subject: str,
    preheader: str,
    content: str,
    texts: list[str],
) -> dict[str, Any]:
    """What a layout is rendered with: plain values only (a custom layout is text a
    manager typed; it must never be handed an application object)."""
    return {
        "region": region_values(region),
        "language": language,
        "subject": subject,
        "preheader": padded(preheader),
        "content": content,
        "texts": texts,
        **controller_values(region),
    }


def controller_values(region: Region | None) -> dict[str, Any]:
    """Whose issue it is: the region's imprint and privacy notice, or for an
    interregional issue both agencies' imprints and the joint privacy notice."""
    controller = controller_of(db.session, region.id if region else None)
    return {"imprints": controller.imprints, "privacy_url": controller.privacy_url}


# Invisible filler after the preheader, so that mail programs show no text of the
# mail's body (the "View in the browser" line) after it in the inbox.
PREHEADER_PADDING = Markup("&#847;&zwnj;&nbsp;" * 90)  # noqa: S704 - a constant


def padded(preheader: str) -> str:
    return escape(preheader) + PREHEADER_PADDING if preheader else ""


def region_values(region: Region | None) -> dict[str, str] | None:
    if region is None:
        return None
    values = {field: str(getattr(region, field) or "") for field in REGION_FIELDS}
    values["privacy_url"] = controller_values(region)["privacy_url"]
    return values


class Template:
    """Text with {{ placeholders }}, split once so that filling it is a join."""

    __slots__ = ("parts",)

    def __init__(self, text: str) -> None:
        self.parts = PLACEHOLDER.split(text)  # literal, name, literal, name, …

    def fill(self, values: dict[str, str], escape: bool = False) -> str:
        parts = self.parts[:]
        for index in range(1, len(parts), 2):
            value = values.get(parts[index], "")
            parts[index] = html.escape(value, quote=True) if escape else value
        return "".join(parts)


@dataclass(frozen=True)
class Recipient:
    """Whom a personaliser signs links for: the person and their current link key
    (which "invalidate all my links" replaces)."""

    subscriber_id: int
    link_key: str


# The sample person of previews and test mails: personalisers give her links to
# test pages (a test click must not count as anybody's answer).
SAMPLE = Recipient(subscriber_id=0, link_key="")

Personaliser = Callable[[Recipient | None], dict[str, str]]
PersonaliserFactory = Callable[[Campaign], Personaliser]


def add_personaliser(app: Flask, factory: PersonaliserFactory) -> None:
    """Let a package add per-recipient values (surveys: each recipient's answer
    links). The factory runs once per campaign; what it returns, once per recipient
    (None: no recipient, as in the web version; SAMPLE in previews and test mails)
    and must not query."""
    registry(app).personalisers.append(factory)


def personalisers(campaign: Campaign) -> list[Personaliser]:
    return [factory(campaign) for factory in registry().personalisers]


def extra_values(campaign: Campaign, recipient: Recipient | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for personaliser in personalisers(campaign):
        values.update(personaliser(recipient))
    return values


def personalise(compiled: Compiled, values: dict[str, str]) -> tuple[str, str, str]:
    """Subject, HTML and text for one recipient: placeholders replaced, HTML-escaped."""

    def plain(match: re.Match[str]) -> str:
        return values.get(match.group(1), "")

    def escaped(match: re.Match[str]) -> str:
        return html.escape(values.get(match.group(1), ""), quote=True)

    return (
        PLACEHOLDER.sub(plain, compiled.subject),
        PLACEHOLDER.sub(escaped, compiled.html),
        PLACEHOLDER.sub(plain, compiled.text),
    )


def greetings(language: str) -> tuple[str, str]:
    """The greeting with a name (%(name)s) and without, in the language."""
    with force_locale(language):
        return str(_l("Hello %(name)s")), str(_l("Good day"))


def personal_values(
    name: str,
    organisation: str,
    region_name: str,
    language: str,
    greeting_texts: tuple[str, str] | None = None,
) -> dict[str, str]:
    """Safe fallbacks: an unknown name greets with 'Guten Tag' / 'Hello'."""
    # One line each: they go into the subject, a header (names typed before line
    # breaks were refused, or imported, must not start another header).
    name, organisation = " ".join(name.split()), " ".join(organisation.split())
    first = name.split()[0] if name else ""
    with_name, without = greeting_texts or greetings(language)
    greeting = with_name.replace("%(name)s", name.strip()) if first else without
    return {
        "first_name": first,
        "name": name.strip(),
        "organisation": organisation,
        "region": region_name,
        "greeting": greeting,
    }


# A name left empty takes its comma along: "März: {{ first_name }}, neu" → "März: neu".
NAMED = re.compile(r"\s*\{\{\s*(?:first_name|name|organisation)\s*\}\}\s*(?:,\s*)?")
SPACE_BEFORE_MARK = re.compile(r"\s+([,.!?:;])")


def neutral_text(text: str, region_name: str, language: str) -> str:
    """Text with its placeholders filled for nobody in particular (the public
    archive): no name, the neutral greeting, the region."""
    values = personal_values("", "", region_name, language)
    filled = PLACEHOLDER.sub(
        lambda match: values.get(match.group(1), ""), NAMED.sub(" ", text)
    )
    return SPACE_BEFORE_MARK.sub(r"\1", " ".join(filled.split())).strip(" ,;:")


def neutral_subject(campaign: Campaign, language: str) -> str:
    region = campaign.region
    return neutral_text(
        campaign.subject_for(language),
        region.name if region else "Südwestfalen · Dortmund",
        language,
    )


def placeholders_in(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text or ""))


def list_headers(campaign: Campaign) -> dict[str, str]:
    """List-Id (RFC 2919: one list per sending region, so that mail programs can
    filter it) and the region's Reply-To, unencoded."""
    region = campaign.region
    address = parseaddr(sender_for(campaign))[1]
    domain = address.rsplit("@", 1)[-1] or "localhost"
    label = region.slug if region else "interregional"
    name = region.sender_name if region and region.sender_name else "Brückenschlag"
    headers = {"List-Id": f"{name} <{label}.newsletter.{domain}>"}
    if region and region.reply_to:
        headers["Reply-To"] = region.reply_to
    return headers


def sender_for(campaign: Campaign) -> str:
    return controller_of(db.session, campaign.region_id).sender
