"""The `flask users` and `flask demo` commands, as an operator types them."""

from sqlalchemy import func, select

from core.db import db
from core.models import User
from newsletter.audience.models import Subscriber


def test_create_list_set_password_and_deactivate(app, runner):
    created = runner.invoke(
        args=[
            "users",
            "create",
            "lea@example.org",
            "--role",
            "manager",
            "--region",
            "dortmund",
            "--name",
            "Lea",
        ],
        input="a long password!\na long password!\n",
    )
    assert created.exit_code == 0, created.output
    listed = runner.invoke(args=["users", "list"])
    assert "lea@example.org\tmanager\tDortmund\tactive" in listed.output
    changed = runner.invoke(
        args=["users", "set-password", "lea@example.org"],
        input="another long one\nanother long one\n",
    )
    assert changed.exit_code == 0, changed.output
    assert runner.invoke(args=["users", "deactivate", "lea@example.org"]).exit_code == 0
    assert "deactivated" in runner.invoke(args=["users", "list"]).output


def test_create_refuses_a_short_password_and_an_unknown_region(runner):
    short = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "admin"],
        input="short\nshort\n",
    )
    assert short.exit_code != 0
    assert "mindestens 12 Zeichen" in short.output  # German first, also on the CLI
    region = runner.invoke(
        args=[
            "users",
            "create",
            "y@example.org",
            "--role",
            "manager",
            "--region",
            "mars",
        ],
        input="a long password!\na long password!\n",
    )
    assert "Unbekannte Region" in region.output


def test_demo_seed_is_idempotent(app, runner):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        users = db.session.scalar(select(func.count()).select_from(User))
        subscribers = db.session.scalar(select(func.count()).select_from(Subscriber))
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == users == 5
        assert (
            db.session.scalar(select(func.count()).select_from(Subscriber))
            == subscribers
        )
    assert subscribers >= 200
