"""Real `flask worker` processes against a real SMTP server, in the ways production
hurts them: a sender frozen past its lease (a VM pause, a long GC) and woken again,
the database cutting every connection mid-campaign, and a deploy's SIGTERM. Counted
per recipient from what arrived: nobody gets two copies, nothing is left stranded."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select, text

from core.db import db
from newsletter.audience.models import Subscriber
from newsletter.campaigns.models import Campaign
from newsletter.sending.models import Delivery
from tests import factories
from tests.outbox import assert_counts_kept

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]


def start_worker(app, smtp_server, tmp_path, name, **settings):
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_URL": smtp_server.url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "BRUECKE_MEDIA_DIR": str(tmp_path / "media"),
        **{f"BRUECKE_{key}": str(value) for key, value in settings.items()},
    }
    with open(tmp_path / f"worker-{name}.log", "a") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--name", name],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def campaign_status(app, campaign_id):
    with app.app_context():
        db.session.remove()
        return db.session.get(Campaign, campaign_id).status


def stop(*processes):
    for process in processes:
        process.send_signal(signal.SIGCONT)
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def outcome(app, smtp_server, campaign_id):
    """What arrived per address, and each address's row status."""
    received = Counter(r.envelope_to[0] for r in smtp_server.handler.received)
    assert_counts_kept(app)
    with app.app_context():
        rows = db.session.execute(
            select(Subscriber.email, Delivery.status)
            .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
            .where(Delivery.campaign_id == campaign_id)
        ).all()
    return received, dict(rows)


def assert_exactly_once(received, statuses, uncertain_at_most):
    assert max(received.values()) == 1
    uncertain = [email for email, status in statuses.items() if status == "uncertain"]
    assert len(uncertain) <= uncertain_at_most, uncertain
    for email, status in statuses.items():
        assert status in ("sent", "uncertain"), (email, status)
        if status == "sent":
            assert received[email] == 1, email


def test_a_sender_frozen_past_its_lease_and_woken_sends_no_duplicates(
    app, smtp_server, tmp_path
):
    with app.app_context():
        factories.audience(db.session, 600)
    campaign_id = factories.made_in(app, factories.campaign, due=True)
    lease = {"SENDER_STALE_SECONDS": 2, "MAIL_RATE_PER_SECOND": 60}
    frozen = start_worker(app, smtp_server, tmp_path, "frozen", **lease)
    other = start_worker(app, smtp_server, tmp_path, "other", **lease)
    try:
        wait_for(lambda: len(smtp_server.handler.received) >= 100)
        frozen.send_signal(signal.SIGSTOP)
        time.sleep(5)  # past its lease: the other sender takes its rows over
        frozen.send_signal(signal.SIGCONT)
        wait_for(lambda: campaign_status(app, campaign_id) == "sent")
        time.sleep(0.5)  # whatever the woken sender still had in hand has arrived
    finally:
        stop(frozen, other)
    received, statuses = outcome(app, smtp_server, campaign_id)
    assert len(statuses) == 600
    assert_exactly_once(received, statuses, uncertain_at_most=1)


def test_a_campaign_finishes_by_itself_after_the_database_cut_every_connection(
    app, smtp_server, tmp_path
):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL terminates backends; SQLite has none")
    with app.app_context():
        factories.audience(db.session, 1200)
    campaign_id = factories.made_in(app, factories.campaign, due=True)
    rate = {"MAIL_RATE_PER_SECOND": 100}
    workers = [
        start_worker(app, smtp_server, tmp_path, "one", **rate),
        start_worker(app, smtp_server, tmp_path, "two", **rate),
    ]
    try:
        wait_for(lambda: len(smtp_server.handler.received) >= 300)
        with app.app_context():
            db.session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            db.session.commit()
        wait_for(lambda: campaign_status(app, campaign_id) == "sent")
    finally:
        stop(*workers)
    received, statuses = outcome(app, smtp_server, campaign_id)
    assert len(statuses) == 1200
    # One message may have been in flight on each worker's connection.
    assert_exactly_once(received, statuses, uncertain_at_most=2)


def test_sigterm_finishes_the_message_in_flight_and_exits_within_the_stop_timeout(
    app, smtp_server, tmp_path
):
    with app.app_context():
        factories.audience(db.session, 3000)
    campaign_id = factories.made_in(app, factories.campaign, due=True)
    worker = start_worker(app, smtp_server, tmp_path, "deployed")
    try:
        wait_for(lambda: len(smtp_server.handler.received) >= 300)
        worker.terminate()
        asked = time.monotonic()
        worker.wait(timeout=30)
        took = time.monotonic() - asked
    finally:
        stop(worker)
    assert worker.returncode == 0
    # An idle machine takes well under 2 s; the bound is the service's stop
    # timeout (docs/operations.md), so that a loaded machine does not fail it.
    assert took < 20.0, f"took {took:.1f} s"
    received, statuses = outcome(app, smtp_server, campaign_id)
    assert len(received) < 3000, "the worker finished before it was stopped"
    assert max(received.values()) == 1
    left = Counter(
        status for email, status in statuses.items() if email not in received
    )
    assert set(left) == {"queued"}  # handed back, nothing claimed or uncertain
    assert {statuses[email] for email in received} == {"sent"}
