"""`flask regions init`."""

import click
from flask.cli import AppGroup

from core.db import db
from core.regions import ensure_regions
from core.registry import region_setups

regions_cli = AppGroup("regions", help="Regions and districts.")


@regions_cli.command("init")
def regions_init() -> None:
    """Create the default regions and districts if missing, and what each needs."""
    regions = ensure_regions(db.session)
    for setup in region_setups():
        setup(db.session)
    db.session.commit()
    click.echo("Regions: " + ", ".join(region.name for region in regions))
