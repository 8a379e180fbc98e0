"""The public Kompetenzlandschaft: a page per region and one for both, a page per
organisation. Server-rendered, no script, nothing from other sites; approved
profiles only, and of them only what the person agreed to show."""

from flask import abort, render_template, request
from sqlalchemy import select

from core.cookieless import cookieless
from core.db import db
from core.ids import page_number
from core.models import Region
from landscape.blueprint import bp
from landscape.directory import PAGE_SIZE, Filters, find, topic_counts, values
from landscape.models import Profile, ProfileStatus
from newsletter.audience.labels import ORG_TYPE_LABELS
from newsletter.audience.models import Topic


def _filters(region: Region | None, topics: list[Topic]) -> Filters:
    args = request.args
    by_slug = {t.slug: t.id for t in topics}
    return Filters(
        region_id=region.id if region else None,
        topic_id=by_slug.get(args.get("thema", "")),
        side=args.get("richtung")
        if args.get("richtung") in ("offer", "need")
        else None,
        org_type=args.get("art") if args.get("art") in ORG_TYPE_LABELS else None,
        place=args.get("ort", "")[:120] or None,
        search=args.get("q", "")[:100].strip(),
        page=page_number(),
    )


def _directory(region: Region | None) -> str:
    topics = list(db.session.scalars(select(Topic).order_by(Topic.name)))
    filters = _filters(region, topics)
    found, total = find(db.session, filters)
    return render_template(
        "landscape/public.html",
        region=region,
        filters=filters,
        found=found,
        total=total,
        pages=(total + PAGE_SIZE - 1) // PAGE_SIZE,
        topics=topics,
        topic_counts=topic_counts(db.session, filters),
        org_types=values(db.session, filters, "org_type"),
        places=values(db.session, filters, "place"),
        regions=list(db.session.scalars(select(Region).order_by(Region.id))),
    )


@bp.route("/kompetenzlandschaft")
@cookieless
def public_all() -> str:
    return _directory(None)


@bp.route("/kompetenzlandschaft/<region_slug>")
@cookieless
def public_region(region_slug: str) -> str:
    region = db.session.scalar(select(Region).where(Region.slug == region_slug))
    if region is None:
        abort(404)
    return _directory(region)


@bp.route("/kompetenzlandschaft/organisation/<int:profile_id>")
@cookieless
def organisation(profile_id: int) -> str:
    profile = db.session.get(Profile, profile_id)
    if profile is None or profile.status != ProfileStatus.APPROVED:
        abort(404)
    return render_template(
        "landscape/organisation.html", profile=profile, region=profile.region
    )
