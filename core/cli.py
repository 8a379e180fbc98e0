"""`flask users …`, `regions init`, `demo seed`, `dev` and `worker`."""

import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from werkzeug.serving import run_simple

from core.auth import (
    AccountError,
    create_user,
    deactivate,
    normalise_email,
    set_password,
)
from core.db import db
from core.models import Role, User
from core.regions import ensure_regions
from core.scheduler import install_jobs

users_cli = AppGroup("users", help="Manage user accounts.")
regions_cli = AppGroup("regions", help="Regions and districts.")
demo_cli = AppGroup("demo", help="Demo data.")

DEMO_PASSWORD = "bruecke-demo-2026"  # noqa: S105 - printed for local demos only
DEMO_USERS = [
    ("admin@brueckenschlag.example", "Ada Admin", Role.ADMIN, None),
    ("swf@brueckenschlag.example", "Sabine Sauerland", Role.MANAGER, "suedwestfalen"),
    ("dortmund@brueckenschlag.example", "Deniz Dortmund", Role.MANAGER, "dortmund"),
    ("bruecke@brueckenschlag.example", "Ina Interregional", Role.MANAGER, None),
    ("analyse@brueckenschlag.example", "Anton Analyse", Role.ANALYST, None),
]


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No user with the address {email}")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="")
@click.option("--region", "region_slug", help="Region slug for a regional manager.")
@click.password_option()
def users_create(
    email: str, role: str, name: str, region_slug: str | None, password: str
) -> None:
    """Create a user."""
    try:
        create_user(db.session, email, password, role, name, region_slug)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {role} {email}")


@users_cli.command("list")
def users_list() -> None:
    """List users with role, region and state."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        region = user.region.name if user.region else "-"
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email}\t{user.role}\t{region}\t{state}")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option()
def users_set_password(email: str, password: str) -> None:
    """Set a new password (ends the user's sessions)."""
    try:
        set_password(db.session, _user(email), password)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Password changed for {email}")


@users_cli.command("deactivate")
@click.argument("email")
def users_deactivate(email: str) -> None:
    """Block a user and end their sessions."""
    deactivate(db.session, _user(email))
    db.session.commit()
    click.echo(f"Deactivated {email}")


@regions_cli.command("init")
def regions_init() -> None:
    """Create the default regions and districts if missing."""
    regions = ensure_regions(db.session)
    db.session.commit()
    click.echo("Regions: " + ", ".join(region.name for region in regions))


@demo_cli.command("seed")
def demo_seed() -> None:
    """Create demo users and data; running it again changes nothing."""
    ensure_regions(db.session)
    for email, name, role, region in DEMO_USERS:
        if db.session.scalar(select(User).where(User.email == email)) is None:
            create_user(db.session, email, DEMO_PASSWORD, role, name, region)
    for seeder in current_app.extensions.get("demo_seeders", []):
        seeder(db.session)
    db.session.commit()
    click.echo("Demo data is in place.")


@click.command("dev")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--smtp-port", default=8025, type=int)
@with_appcontext
def dev_command(host: str, port: int, smtp_port: int) -> None:
    """Serve the app with its scheduler and a local mail sink, in one process."""
    from core.devmail import start_sink

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    sink = start_sink(Path(app.config["DEV_MAILBOX_DIR"]), port=smtp_port)
    scheduler = BackgroundScheduler(timezone="UTC")
    install_jobs(app, scheduler)
    scheduler.start()
    click.echo(f"\n  Brückenschlag: http://{host}:{port}/")
    click.echo(f"  Mailbox:       http://{host}:{port}/dev/mailbox/")
    click.echo(f"  Demo logins (password {DEMO_PASSWORD}):")
    for email, _name, role, region in DEMO_USERS:
        click.echo(f"    {email:36} {role}{' · ' + region if region else ''}")
    click.echo("")
    try:
        run_simple(host, port, app, use_reloader=False, threaded=True)
    finally:
        scheduler.shutdown(wait=False)
        sink.stop()


@click.command("worker")
@click.option(
    "--sender-only",
    is_flag=True,
    help="Only send (PostgreSQL: run as many as you like beside one worker).",
)
@click.option("--name", default="", help="This sender's name; unique per process.")
@with_appcontext
def worker_command(sender_only: bool, name: str) -> None:
    """Run the scheduler and its jobs: exactly one full worker per installation."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if name:
        app.config["SENDER_NAME"] = name
    scheduler = BlockingScheduler(timezone="UTC")
    ids = install_jobs(app, scheduler, sender_only=sender_only)
    for job in scheduler.get_jobs():
        job.modify(next_run_time=datetime.now(UTC))  # start at once, not after a period
    click.echo(f"Worker started with jobs: {', '.join(ids) or 'none'}", err=True)

    def shut_down(signum: int, frame: object) -> None:
        scheduler.shutdown(wait=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, shut_down)
    scheduler.start()
