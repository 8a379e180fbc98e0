"""`flask bounces import PATH` and `flask bounces poll`: apply delivery status
notifications from a mailbox file or folder, or from the IMAP bounce mailbox."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from core.db import db
from newsletter.sending.bounce_mailbox import InboxError, InboxSettings, poll_bounces
from newsletter.sending.bounce_reports import Bounce
from newsletter.sending.bounces import apply_messages, read_messages, summary

bounces_cli = AppGroup("bounces", help="Bounces that arrived later.")


@bounces_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def import_bounces(path: Path) -> None:
    """Read bounces and complaints from a Maildir folder or an mbox file."""
    results = apply_messages(db.session, read_messages(path))
    db.session.commit()
    for report, result in results:
        what = report.status if isinstance(report, Bounce) else report.feedback_type
        click.echo(f"{report.recipient}\t{what}\t{result}")
    click.echo(f"Done: {summary(results)}.")


@bounces_cli.command("poll")
def poll() -> None:
    """Read the unseen DSNs of BOUNCE_IMAP_URL once (the worker does it regularly)."""
    url = current_app.config.get("BOUNCE_IMAP_URL")
    if not url:
        raise click.UsageError("BOUNCE_IMAP_URL is not set.")
    try:
        results = poll_bounces(db.session, InboxSettings.from_url(url))
    except InboxError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Done: {summary(results)}.")
