"""The figures page for the agencies (analysts too): counts only, suppressed."""

from flask import current_app, render_template
from flask_babel import get_locale
from sqlalchemy import select

from core.db import SessionLike, db
from core.home import Panel
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


def report_section(session: SessionLike, language: str, min_cell: int) -> Panel | None:
    """The same tables in every needs report, once there are introductions."""
    tables = introduction_figures(session, min_cell, language)
    if not any(t.rows or t.withheld for t in tables.values()):
        return None
    return Panel(
        "landscape/_report_figures.html",
        {
            "tables": tables,
            "measures": MEASURES,
            "regions": {r.id: r.name for r in session.scalars(select(Region))},
            "min_cell": min_cell,
        },
        order=50,
    )
