"""`flask demo seed`: demo users, then what each feature package seeds."""

import secrets

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.auth import create_user
from core.db import db
from core.models import Role, User
from core.passwords import hash_password, mentions
from core.regions import ensure_regions
from core.registry import demo_seeders, region_setups

demo_cli = AppGroup("demo", help="Demo data.")

DEMO_PASSWORD = "bruecke-demo-2026"  # noqa: S105 - printed for local demos only
DEMO_USERS = [
    ("admin@brueckenschlag.example", "Ada Admin", Role.ADMIN, None),
    ("swf@brueckenschlag.example", "Sabine Sauerland", Role.MANAGER, "suedwestfalen"),
    ("dortmund@brueckenschlag.example", "Deniz Dortmund", Role.MANAGER, "dortmund"),
    ("interregional@brueckenschlag.example", "Ina Interregional", Role.MANAGER, None),
    ("analyse@brueckenschlag.example", "Anton Analyse", Role.ANALYST, None),
]


@demo_cli.command("seed")
def demo_seed() -> None:
    """Create demo users and data; running it again changes nothing."""
    ensure_regions(db.session)
    for setup in region_setups():
        setup(db.session)
    for email, name, role, region in DEMO_USERS:
        if db.session.scalar(select(User).where(User.email == email)) is None:
            # Created with a strong throwaway password, then given the published
            # demo one, which the password rules rightly refuse for real accounts.
            user = create_user(
                db.session, email, throwaway_password(email, name), role, name, region
            )
            user.password_hash = hash_password(DEMO_PASSWORD)
    for seeder in demo_seeders():
        seeder(db.session)
    db.session.commit()
    click.echo("Demo data is in place.")


def throwaway_password(email: str, name: str) -> str:
    """A random password the rules accept: a random one may by chance contain
    a piece of the name ("ada"), which the rules refuse."""
    while mentions(password := secrets.token_urlsafe(24), email, name):
        pass
    return password
