"""The newsletter block "Neu in der Kompetenzlandschaft": the most recently approved
profiles (public data only) with links to their pages."""

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import select

from core.db import db
from core.links import external_url
from core.models import Region
from landscape.directory import recently_approved
from landscape.models import Profile
from newsletter.audience.labels import org_type_label
from newsletter.campaigns.blocks import Block, BlockType, FieldSpec, RenderContext

BOTH = "beide"


class NewProfilesBlock(Block, total=False):
    scope: str  # a region's slug, or BOTH


def scope_choices(region_id: int | None) -> list[tuple[str, str]]:
    regions = db.session.scalars(select(Region).order_by(Region.id))
    return [(BOTH, str(_l("Both regions")))] + [(r.slug, r.name) for r in regions]


def _profiles(block: NewProfilesBlock) -> tuple[list[Profile], str]:
    """The newest public profiles of the scope, and the page listing them all."""
    slug = block.get("scope") or BOTH
    region = db.session.scalar(select(Region).where(Region.slug == slug))
    page = (
        external_url("landscape.public_region", region_slug=region.slug)
        if region
        else external_url("landscape.public_all")
    )
    return recently_approved(db.session, region.id if region else None), page


def _line(profile: Profile, language: str) -> tuple[str, str, str]:
    with force_locale(language):
        kind = org_type_label(profile.org_type)
    link = external_url("landscape.organisation", profile_id=profile.id)
    return profile.organisation, f"{kind}, {profile.place}".strip(", "), link


def new_profiles_mjml(block: NewProfilesBlock, ctx: RenderContext) -> str:
    found, page = _profiles(block)
    if not found:
        return ""
    with force_locale(ctx.language):
        heading, more = str(HEADING), str(MORE)
    items = "".join(
        f'<li><a href="{escape(link)}">{escape(name)}</a> ({escape(detail)})</li>'
        for name, detail, link in (_line(p, ctx.language) for p in found)
    )
    return (
        "<mj-section><mj-column>"
        f'<mj-text font-size="20px" font-weight="bold">{escape(heading)}</mj-text>'
        f"<mj-text><ul>{items}</ul>"
        f'<p><a href="{escape(page)}">{escape(more)}</a></p></mj-text>'
        "</mj-column></mj-section>"
    )


def new_profiles_text(block: NewProfilesBlock, ctx: RenderContext) -> str:
    found, page = _profiles(block)
    if not found:
        return ""
    with force_locale(ctx.language):
        heading, more = str(HEADING), str(MORE)
    lines = [heading]
    for name, detail, link in (_line(p, ctx.language) for p in found):
        lines.append(f"- {name} ({detail}): {link}")
    return "\n".join([*lines, f"{more}: {page}"])


HEADING = _l("New in the Kompetenzlandschaft")
MORE = _l("All organisations in the Kompetenzlandschaft")

NEW_PROFILES_BLOCK = BlockType(
    "landscape_new",
    HEADING,
    (FieldSpec("scope", _l("Which region"), "select", True, choices=scope_choices),),
    new_profiles_mjml,
    new_profiles_text,
)
