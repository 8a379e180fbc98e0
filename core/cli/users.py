"""`flask users create|list|set-password|deactivate`."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.auth import (
    AccountError,
    create_user,
    deactivate,
    normalise_email,
    set_password,
)
from core.db import db
from core.models import Role, User

users_cli = AppGroup("users", help="Manage user accounts.")


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
