"""Administrators write the consent texts and privacy notices in the browser; each
save is a new version, and earlier consents keep pointing at theirs."""

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.db import db
from core.models import Region
from core.policy import requires
from core.regions import all_regions
from newsletter.audience.consent import (
    JOINT_SLUG,
    KIND_LABELS,
    LANGUAGES,
    TextError,
    add_version,
    current_text,
    versions,
)
from newsletter.audience.forms import TextForm
from newsletter.audience.models import TextKind
from newsletter.blueprint import bp


@dataclass(frozen=True)
class Scope:
    """Whose text: a region's agency, or both agencies for the joint list."""

    slug: str
    name: str
    region_id: int | None


def _scopes() -> list[Scope]:
    regions = all_regions(db.session)
    return [Scope(r.slug, r.agency, r.id) for r in regions] + [
        Scope(JOINT_SLUG, str(_l("Interregional list (joint controllers)")), None)
    ]


def _scope(slug: str) -> Scope:
    if slug == JOINT_SLUG:
        return _scopes()[-1]
    region = db.session.scalar(select(Region).where(Region.slug == slug))
    if region is None:
        abort(404)
    return Scope(region.slug, region.agency, region.id)


@bp.route("/admin/consent-texts")
@requires("users")
def consent_texts() -> str:
    rows = [
        (
            scope,
            kind,
            language,
            current_text(db.session, kind, scope.region_id, language),
        )
        for scope in _scopes()
        for kind in TextKind
        for language in LANGUAGES
    ]
    return render_template(
        "newsletter/consent_texts.html", rows=rows, kind_labels=KIND_LABELS
    )


@bp.route(
    "/admin/consent-texts/<kind>/<scope_slug>/<language>", methods=["GET", "POST"]
)
@requires("users")
def consent_text_edit(kind: str, scope_slug: str, language: str) -> str | BaseResponse:
    if kind not in set(TextKind) or language not in LANGUAGES:
        abort(404)
    scope = _scope(scope_slug)
    history = versions(db.session, kind, scope.region_id, language)
    form = TextForm()
    if form.validate_on_submit():
        try:
            saved = add_version(
                db.session,
                kind,
                scope.region_id,
                language,
                form.text.data or "",
                current_user.id,
            )
        except TextError as error:
            form.text.errors = [*form.text.errors, str(error)]
        else:
            record(
                db.session,
                current_user.id,
                "new_version",
                "consent_text",
                saved.id,
                kind=kind,
                scope=scope.slug,
                language=language,
                version=saved.version,
            )
            db.session.commit()
            flash(_("Saved as version %(version)s.", version=saved.version), "info")
            return redirect(url_for("newsletter.consent_texts"))
    elif not form.is_submitted() and history:
        form.text.data = history[0].text
    return render_template(
        "newsletter/consent_text_edit.html",
        form=form,
        scope=scope,
        kind_label=KIND_LABELS[TextKind(kind)],
        language=language,
        history=history,
    )
