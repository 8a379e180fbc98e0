"""`flask bounces import PATH`: apply delivery status notifications from a mailbox."""

from pathlib import Path

import click
from flask.cli import AppGroup

from core.db import db
from newsletter.bounces import apply_bounce, parse_dsn, read_messages

bounces_cli = AppGroup("bounces", help="Bounces that arrived later.")


@bounces_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def import_bounces(path: Path) -> None:
    """Read DSNs from a Maildir folder or an mbox file and mark the deliveries."""
    counts: dict[str, int] = {}
    for message in read_messages(path):
        for bounce in parse_dsn(message):
            result = apply_bounce(db.session, bounce)
            counts[result] = counts.get(result, 0) + 1
            click.echo(f"{bounce.recipient}\t{bounce.status}\t{result}")
    db.session.commit()
    summary = (
        ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "no bounces"
    )
    click.echo(f"Done: {summary}.")
