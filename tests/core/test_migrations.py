"""The migrations build the schema the models describe, from an empty database."""

from flask_migrate import check, downgrade, upgrade

from core.db import db


def test_upgrade_from_empty_matches_the_models_and_downgrades(app):
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        check()  # raises if the models and the migrated schema differ
        downgrade(revision="base")
        upgrade()
