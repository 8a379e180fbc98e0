"""`flask regions init`."""

import click
from flask.cli import AppGroup

from core.db import db
from core.regions import ensure_regions

regions_cli = AppGroup("regions", help="Regions and districts.")


@regions_cli.command("init")
def regions_init() -> None:
    """Create the default regions and districts if missing."""
    regions = ensure_regions(db.session)
    db.session.commit()
    click.echo("Regions: " + ", ".join(region.name for region in regions))
