"""A feature package can be left out: the app still serves its pages, and its
navigation shows only what is there."""

import pytest

from core.app import create_app
from core.auth import create_user
from core.db import db
from core.models import Role
from core.regions import ensure_regions
from tests.conftest import app_settings
from tests.http import PASSWORD, login


@pytest.fixture
def newsletter_only(tmp_path):
    app = create_app(
        app_settings(f"sqlite:///{tmp_path / 'n.sqlite'}", FEATURES=("newsletter",))
    )
    with app.app_context():
        # The default bind only: an app of the PostgreSQL pass in this process has
        # added its unpinged bind to the shared metadata, which this one lacks.
        db.create_all(bind_key=None)
        ensure_regions(db.session)
        create_user(db.session, "admin@example.org", PASSWORD, Role.ADMIN, "Ada")
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_an_app_without_surveys_serves_its_pages(newsletter_only):
    client = newsletter_only.test_client()
    assert login(client, "admin@example.org").status_code == 302
    for path in ("/", "/subscribers", "/campaigns", "/admin/users"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert b"/surveys" not in page.data
    assert b'href="/subscribers"' in client.get("/").data
