"""The real `flask worker` process against a real SMTP server: killed with SIGKILL
midway and restarted, or two started together, every recipient gets exactly one copy
(or is listed as uncertain: at most one per connection)."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db import db
from newsletter.audience.models import Subscriber
from newsletter.campaigns.models import Campaign
from newsletter.sending.models import Delivery
from tests import factories
from tests.outbox import assert_counts_kept

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]


def start_worker(app, smtp_server, tmp_path, *args):
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_URL": smtp_server.url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "BRUECKE_MEDIA_DIR": str(tmp_path / "media"),
    }
    with open(tmp_path / f"worker-{time.monotonic_ns()}.log", "w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, timeout=120.0, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise AssertionError("timed out")


def campaign_done(app, campaign_id):
    with app.app_context():
        db.session.remove()
        return db.session.get(Campaign, campaign_id).status == "sent"


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def outcome(app, smtp_server, campaign_id):
    received = Counter(r.envelope_to[0] for r in smtp_server.handler.received)
    assert_counts_kept(app)
    with app.app_context():
        rows = db.session.execute(
            select(Subscriber.email, Delivery.status)
            .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
            .where(Delivery.campaign_id == campaign_id)
        ).all()
    return received, dict(rows)


def test_sigkill_midway_and_restart_send_each_mail_exactly_once(
    app, smtp_server, tmp_path
):
    with app.app_context():
        factories.audience(db.session, 3000)
        campaign_id = factories.campaign(db.session, due=True).id
    first = start_worker(app, smtp_server, tmp_path, "--name", "crashy")
    try:
        wait_for(lambda: len(smtp_server.handler.received) >= 900)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    at_kill = len(smtp_server.handler.received)
    assert at_kill < 3000, "the worker finished before it could be killed"

    second = start_worker(app, smtp_server, tmp_path, "--name", "crashy")
    try:
        wait_for(lambda: campaign_done(app, campaign_id))
    finally:
        stop(second)
    received, statuses = outcome(app, smtp_server, campaign_id)
    assert len(statuses) == 3000
    uncertain = [email for email, status in statuses.items() if status == "uncertain"]
    assert len(uncertain) <= 1  # one connection was open at the kill
    for email, status in statuses.items():
        if status == "sent":
            assert received[email] == 1, email
        else:
            assert status == "uncertain"
            assert received[email] <= 1
    assert max(received.values()) == 1


def test_two_workers_started_together_share_a_due_campaign(app, smtp_server, tmp_path):
    on_postgres = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    count = 5000 if on_postgres else 2000
    with app.app_context():
        factories.audience(db.session, count)
    with app.app_context():
        campaign_id = factories.campaign(db.session, due=True).id  # fell due meanwhile
    workers = [
        start_worker(app, smtp_server, tmp_path, "--name", "one"),
        start_worker(app, smtp_server, tmp_path, "--name", "two"),
    ]
    try:
        wait_for(lambda: campaign_done(app, campaign_id))
    finally:
        for worker in workers:
            stop(worker)
    received, statuses = outcome(app, smtp_server, campaign_id)
    assert set(statuses.values()) == {"sent"}
    assert len(received) == count
    assert max(received.values()) == 1
    with app.app_context():
        deliveries = db.session.scalar(select(func.count()).select_from(Delivery))
    assert deliveries == count
