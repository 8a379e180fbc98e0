"""Fixtures: an app on SQLite (or PostgreSQL via TEST_DATABASE_URL), its client and CLI
runner, a real SMTP server on loopback, users of every role, and a login helper."""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from core.app import create_app
from core.auth import create_user
from core.config import TestConfig
from core.db import db
from core.extensions import limiter
from core.models import Role
from core.regions import ensure_regions
from newsletter.audience.consent import ensure_first_texts
from newsletter.audience.demo import ensure_lists, ensure_topics
from tests.fixtures.smtp import SMTPServer

PASSWORD = "correct horse battery"  # noqa: S105


def database_url(tmp_path: Path) -> str:
    """PostgreSQL when TEST_DATABASE_URL says so, else a SQLite file of this test."""
    return (
        os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"
    )


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[Flask]:
    app = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
            "MAIL_URL": smtp_server.url,
            "DEV_MAILBOX_DIR": str(tmp_path / "devmail"),
            "MEDIA_DIR": str(tmp_path / "media"),
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        ensure_regions(db.session)
        ensure_lists(db.session)
        ensure_topics(db.session)
        ensure_first_texts(db.session)
        db.session.commit()
    limiter.reset()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask):
    """Create a user of a role (and region slug for a regional manager)."""

    def make(role: Role, region: str | None = None, email: str | None = None):
        email = email or f"{role}-{region or 'all'}@example.org"
        with app.app_context():
            user = create_user(db.session, email, PASSWORD, role, role.title(), region)
            db.session.commit()
            return SimpleNamespace(
                id=user.id, email=user.email, role=role, region=region
            )

    return make


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if match is None:
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: FlaskClient, email: str, password: str = PASSWORD, **kwargs):
    """Log in through the real form (with its CSRF token)."""
    page = client.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token, **kwargs},
    )


@pytest.fixture
def login_as(client: FlaskClient, make_user):
    """Create a user of the role and log the client in as them."""

    def do(role: Role, region: str | None = None):
        user = make_user(role, region)
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do
