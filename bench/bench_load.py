"""Answers while an issue goes out: 50 clients answer the survey through personal
links (GET the page, POST *Senden*, the next person), against the app under
gunicorn (2 processes × 8 threads), while the one `flask worker` sends the issue to
5,000 recipients (`BENCH_LOAD_RECIPIENTS`). The same scenario as
tests/surveys/test_answers_under_load.py, which checks that nothing is lost or
doubled; here the figures:

- the answer POST's latency (p50, p95, p99) during the send, against the same
  answers with nothing being sent;
- the send rate while people answer, against the rate of the same issue sent with
  nobody answering.

SQLite; BENCH_DATABASE_URL=postgresql+psycopg://… measures on PostgreSQL (emptied).
Prints `NAME: ours <value> <unit>, baseline <value> <unit>, ratio <ours/baseline>`."""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fixtures import seeded_app  # noqa: E402
from tests.load import (  # noqa: E402
    Answered,
    Link,
    Mailbox,
    answer_all,
    environment,
    percentile,
    personal_links,
    smtp_server,
    wait_for_mail,
    web_server,
    worker,
)

RECIPIENTS = int(os.environ.get("BENCH_LOAD_RECIPIENTS", "5000"))
CLIENTS = 50
ANSWERS = 1000
SECRET = "bench-secret-key-with-enough-entropy-0123456789"  # noqa: S105


def prepare(database: str) -> list[Link]:
    """An emptied database with Dortmund's audience and a due issue carrying a
    survey; the links of the people who will answer."""
    from core.db import db
    from tests import factories

    app = seeded_app(database, SECRET)
    with app.app_context():
        factories.audience(db.session, RECIPIENTS)
        survey = factories.survey(db.session)
        factories.campaign(
            db.session, blocks=factories.survey_blocks(survey.id), due=True
        )
        links = personal_links(db.session, survey.id, ANSWERS)
        db.engine.dispose()
    return links


def send_rate(mailbox: Mailbox, start: float, end: float) -> float:
    """Mails that arrived between start and end (or the last mail), per second."""
    end = min(end, mailbox.arrivals[-1].at)
    arrived = [a for a in mailbox.arrivals if start <= a.at <= end]
    return len(arrived) / (end - start)


def run(folder: Path, answer_while_sending: bool) -> tuple[list[Answered], float]:
    """One issue sent; answers during the send or after it. Returns the answers
    and the send rate (during the answers, or over the whole send)."""
    database = os.environ.get("BENCH_DATABASE_URL") or (
        f"sqlite:///{folder / f'load-{answer_while_sending}.sqlite'}"
    )
    links = prepare(database)
    rate = 0.0
    with smtp_server() as (mailbox, mail_url):
        env = environment(database, mail_url, SECRET, folder / "media")
        web_log, worker_log = folder / "web.log", folder / "worker.log"
        with web_server(env, web_log) as port:
            with worker(env, worker_log):
                if answer_while_sending:
                    wait_for_mail(mailbox, 1)
                    start = time.monotonic()
                    answered = answer_all(port, links, CLIENTS)
                    rate = send_rate(mailbox, start, time.monotonic())
                wait_for_mail(mailbox, RECIPIENTS, timeout=600)
            if not answer_while_sending:
                arrivals = mailbox.arrivals
                rate = RECIPIENTS / (arrivals[-1].at - arrivals[0].at)
                answered = answer_all(port, links, CLIENTS)
        for log in (web_log, worker_log):
            if "database is locked" in log.read_text():
                print(f"{log.name}: database is locked", file=sys.stderr)
    return answered, rate


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    quiet, alone = run(folder, answer_while_sending=False)
    busy, during = run(folder, answer_while_sending=True)
    backend = (
        "postgresql"
        if os.environ.get("BENCH_DATABASE_URL", "").startswith("postgresql")
        else "sqlite"
    )
    for name, share in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
        ours = percentile([a.seconds for a in busy], share) * 1000
        base = percentile([a.seconds for a in quiet], share) * 1000
        print(
            f"answer_{name}_while_sending_{RECIPIENTS // 1000}k ({backend}): "
            f"ours {ours:.0f} ms, baseline {base:.0f} ms (the same answers with "
            f"nothing being sent), ratio {ours / base:.2f}"
        )
    print(
        f"send_rate_while_answering_{RECIPIENTS // 1000}k ({backend}): "
        f"ours {during:.0f} msg/s, baseline {alone:.0f} msg/s (the same issue with "
        f"nobody answering), ratio {during / alone:.2f}"
    )
    failed = [a for a in busy + quiet if a.post_status != 302]
    print(
        f"answers_under_load_failed ({backend}): ours {len(failed)} of "
        f"{len(busy) + len(quiet)} answers, baseline 0"
    )


if __name__ == "__main__":
    main()
