"""The figures page for the agencies (analysts too): counts only, suppressed."""

from flask import current_app, render_template
from flask_babel import get_locale
from sqlalchemy import select

from core.db import db
from core.models import Region
from core.policy import requires
from landscape.blueprint import bp
from landscape.figures import MEASURES, introduction_figures


@bp.route("/analysis/kompetenzlandschaft")
@requires("analysis")
def figures() -> str:
    min_cell = int(current_app.config["MIN_CELL"])
    regions = {r.id: r.name for r in db.session.scalars(select(Region))}
    return render_template(
        "landscape/figures.html",
        tables=introduction_figures(
            db.session, min_cell, str(get_locale() or "de")[:2]
        ),
        measures=MEASURES,
        regions=regions,
        min_cell=min_cell,
    )
