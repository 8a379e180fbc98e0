"""Backup and restore as docs/operations.md describes them: a database with
subscribers, consents, answers and a half-sent campaign is backed up (SQLite: `flask
backup`, the online backup API; PostgreSQL: pg_dump), restored into a fresh
database, and the app on the copy sees the same rows and finishes the campaign
without sending anyone a second copy."""

import shutil
import subprocess
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from core.app import create_app
from core.db import db
from newsletter.campaigns.models import Campaign
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from tests import factories
from tests.conftest import app_settings, on_postgresql


def half_sent_campaign(app: Flask) -> int:
    """Twenty readers, three of them signed up through the form (with consent
    events), an answered survey, and an issue sent to the first ten of them."""
    app.config["SEND_BATCH_SIZE"] = 10
    with app.app_context():
        for n in range(3):
            factories.subscriber(db.session, email=f"form{n}@example.org")
        factories.audience(db.session, 17)
        survey = factories.survey(db.session)
        question = survey.questions[0]
        factories.answer(db.session, question, [question.options[0]], times=4)
        campaign_id = factories.campaign(
            db.session, blocks=factories.survey_blocks(survey.id), due=True
        ).id
        db.session.commit()
        dispatch_due(db.session)
        db.session.commit()
        sender = Sender(app, "before-the-backup")
        assert sender.send_batch(sender.claim()) == 10
        sender.close()
    return campaign_id


def row_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        db.session.remove()
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def restored_app(url: str, app: Flask, tmp_path: Path) -> Flask:
    return create_app(
        app_settings(
            url,
            MAIL_URL=app.config["MAIL_URL"],
            MEDIA_DIR=str(tmp_path / "media"),
            DEV_MAILBOX_DIR=str(tmp_path / "devmail"),
        )
    )


def backup_and_restore_sqlite(app: Flask, runner, tmp_path: Path) -> str:
    backup = tmp_path / "backup.sqlite"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    # Restoring is copying the file into place while web and worker are stopped.
    restored = tmp_path / "restored.sqlite"
    shutil.copyfile(backup, restored)
    return f"sqlite:///{restored}"


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it."""
    return make_url(url).set(drivername="postgresql").render_as_string(False)


@pytest.fixture
def fresh_postgres_database(database_url: str) -> Iterator[str]:
    name = f"restore_{uuid.uuid4().hex[:12]}"
    owner = create_app(app_settings(database_url))
    with owner.app_context():
        with db.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        ) as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        yield make_url(database_url).set(database=name).render_as_string(False)
        with db.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        ) as connection:
            connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
        db.engine.dispose()


def backup_and_restore_postgres(app: Flask, fresh: str, tmp_path: Path) -> str:
    backup = tmp_path / "brueckenschlag.dump"
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={backup}", libpq_url(source)],
        check=True,
    )
    subprocess.run(
        ["pg_restore", "--no-owner", f"--dbname={libpq_url(fresh)}", str(backup)],
        check=True,
    )
    return fresh


def finish_on(copy: Flask, campaign_id: int) -> str:
    with copy.app_context():
        sent = Sender(copy, "after-the-restore").run(budget_seconds=60)
        assert sent == 10
        status = db.session.get(Campaign, campaign_id).status
        db.session.remove()
        db.engine.dispose()
    return status


def assert_everyone_got_exactly_one_copy(smtp_server) -> None:
    received = Counter(r.envelope_to[0] for r in smtp_server.handler.received)
    assert len(received) == 20
    assert set(received.values()) == {1}


def test_a_restored_backup_has_every_row_and_finishes_the_campaign_once(
    app, runner, smtp_server, tmp_path, database_url, request
):
    campaign_id = half_sent_campaign(app)
    before = row_counts(app)
    assert before["consent_events"] >= 3
    assert before["answers"] == 4
    if on_postgresql(database_url):
        if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
            pytest.skip("pg_dump and pg_restore are not installed")
        fresh = request.getfixturevalue("fresh_postgres_database")
        url = backup_and_restore_postgres(app, fresh, tmp_path)
    else:
        url = backup_and_restore_sqlite(app, runner, tmp_path)

    copy = restored_app(url, app, tmp_path)
    assert row_counts(copy) == before
    assert len(smtp_server.handler.received) == 10

    assert finish_on(copy, campaign_id) == "sent"
    assert_everyone_got_exactly_one_copy(smtp_server)


def test_backup_refuses_to_overwrite_a_file(app, runner, tmp_path, database_url):
    if on_postgresql(database_url):
        result = runner.invoke(args=["backup", str(tmp_path / "x.sqlite")])
        assert result.exit_code != 0
        assert "pg_dump" in result.output
        return
    existing = tmp_path / "existing.sqlite"
    existing.write_bytes(b"an older backup")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0
    assert "exists" in result.output
    assert existing.read_bytes() == b"an older backup"
