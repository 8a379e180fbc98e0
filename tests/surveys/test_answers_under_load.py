"""Concurrency is a test, not a hope: 50 people answer a survey at the same time
through their personal links, against the app under gunicorn (several processes
with threads), while the one worker sends an issue with the survey to thousands of
recipients. Nobody sees a server error, nothing says "database is
locked", every answer the server accepted is stored exactly once, and every
recipient got the issue exactly once.

The test sends 2,000 mails to keep CI short; `bench/bench_load.py` runs the same
scenario with 5,000 and prints the latencies and the send rate."""

import time
from collections import Counter
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import db
from newsletter.audience.models import Subscriber
from newsletter.campaigns.models import Campaign
from surveys.models import Answer, SurveyResponse
from tests import factories
from tests.load import (
    Mailbox,
    answer_all,
    environment,
    personal_links,
    smtp_server,
    wait_for_mail,
    web_server,
    worker,
)

pytestmark = pytest.mark.slow

RECIPIENTS = 2000
CLIENTS = 50
ANSWERS = 500


def issue_with_survey(app: Flask, recipients: int) -> tuple[int, int]:
    """A due issue of Dortmund's newsletter to `recipients` people, with a survey's
    first question as buttons; (campaign id, survey id)."""
    with app.app_context():
        factories.audience(db.session, recipients)
        survey = factories.survey(db.session)
        campaign = factories.campaign(
            db.session, blocks=factories.survey_blocks(survey.id), due=True
        )
        return campaign.id, survey.id


def stored_answers(app: Flask, survey_id: int) -> list[tuple[str, int | None]]:
    """(address, chosen option) of every stored answer to the survey."""
    with app.app_context():
        db.session.remove()
        rows = db.session.execute(
            select(Subscriber.email, Answer.option_id)
            .join(SurveyResponse, SurveyResponse.subscriber_id == Subscriber.id)
            .join(Answer, Answer.response_id == SurveyResponse.id)
            .where(SurveyResponse.survey_id == survey_id)
        )
        return [(email, option) for email, option in rows]


def campaign_status(app: Flask, campaign_id: int) -> str:
    with app.app_context():
        db.session.remove()
        return db.session.get(Campaign, campaign_id).status


def test_fifty_people_answer_while_the_worker_sends_an_issue(
    app: Flask, tmp_path: Path
) -> None:
    campaign_id, survey_id = issue_with_survey(app, RECIPIENTS)
    with app.app_context():
        links = personal_links(db.session, survey_id, ANSWERS)
    logs = tmp_path / "web.log", tmp_path / "worker.log"
    with smtp_server() as (mailbox, mail_url):
        env = environment(
            app.config["SQLALCHEMY_DATABASE_URI"],
            mail_url,
            app.config["SECRET_KEY"],
            tmp_path / "media",
        )
        with web_server(env, logs[0]) as port, worker(env, logs[1]):
            wait_for_mail(mailbox, 1)  # the issue is going out
            answered = answer_all(port, links, CLIENTS)
            wait_until_sent(app, campaign_id, mailbox)
        arrivals = list(mailbox.arrivals)

    server_output = logs[0].read_text() + logs[1].read_text()
    assert "database is locked" not in server_output
    assert "Traceback" not in server_output, server_output[-3000:]
    assert len(answered) == ANSWERS
    assert [a for a in answered if a.get_status != 200] == []
    assert [a for a in answered if a.post_status != 302] == []
    # the answers came while the issue was still going out
    assert min(a.finished_at for a in answered) < arrivals[-1].at

    stored = stored_answers(app, survey_id)
    assert Counter(email for email, _ in stored) == Counter(
        a.recipient for a in answered
    )
    assert sorted(stored) == sorted((a.recipient, a.option) for a in answered)

    received = Counter(a.recipient for a in arrivals)
    assert len(received) == RECIPIENTS
    assert set(received.values()) == {1}
    assert campaign_status(app, campaign_id) == "sent"


def wait_until_sent(app: Flask, campaign_id: int, mailbox: Mailbox) -> None:
    """Wait (at most two minutes, on a loaded machine) until the issue is sent."""
    deadline = time.monotonic() + 120
    while campaign_status(app, campaign_id) != "sent":
        assert time.monotonic() < deadline, f"{mailbox.count()} mails after two minutes"
        time.sleep(0.2)
