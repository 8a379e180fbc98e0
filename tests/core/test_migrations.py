"""The migrations build the schema the models describe, from an empty database."""

from flask_migrate import check, downgrade, upgrade

from core.app import create_app
from core.db import db
from tests.conftest import app_settings


def test_upgrade_from_empty_matches_the_models_and_downgrades(empty_database_url):
    app = create_app(app_settings(empty_database_url))
    with app.app_context():
        upgrade()
        check()  # raises if the models and the migrated schema differ
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()
