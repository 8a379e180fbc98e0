"""The answer POST under gunicorn (4 workers) against a hello-world route of the same
app and server, with the same load generator in one run; every answer must be stored.

Prints `NAME: ours <value> <unit>, baseline <value> <unit>, ratio <ours/baseline>`;
the ratio is the median of the rounds' ratios (hello world and answers alternate in
short rounds, so a slow spell of the shared machine weighs on both alike), followed by
the lowest round's and the ratio of all rounds taken together."""

import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "3000"))
THREADS = 8
ROUND = 250  # requests of each kind per round (short: the machine is shared)
PAST_SURVEYS = 40
SECRET = "bench-secret-key-with-enough-entropy-0123456789"  # noqa: S105


def prepare(database: str) -> tuple[int, int, list[str]]:
    """A survey and PEOPLE subscribers; returns survey id, option id, answer paths."""
    from sqlalchemy import insert, select

    from core.app import create_app
    from core.config import TestConfig
    from core.db import db, utcnow
    from core.models import Region
    from core.regions import ensure_regions
    from newsletter.audience.models import Subscriber
    from newsletter.campaigns.rendering import Recipient
    from surveys.answering.responses import answer_token
    from tests import factories

    app = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": database,
            "SECRET_KEY": SECRET,
        }
    )
    with app.app_context():
        db.create_all()
        ensure_regions(db.session)
        from newsletter.audience.demo import ensure_topics

        ensure_topics(db.session)
        region = db.session.scalar(select(Region).where(Region.slug == "dortmund"))
        now = utcnow()
        db.session.execute(
            insert(Subscriber),
            [
                {
                    "email": f"p{n}@example.org",
                    "name": "",
                    "region_id": region.id,
                    "status": "active",
                    "language": "de",
                    "created_at": now,
                    "organisation": "",
                    "sector": "",
                    "size": "",
                }
                for n in range(PEOPLE)
            ],
        )
        db.session.commit()
        people = [
            Recipient(row.id, row.link_key)
            for row in db.session.execute(select(Subscriber.id, Subscriber.link_key))
        ]
    for _ in range(PAST_SURVEYS):  # a year of newsletters, each with its survey
        factories.made_in(app, factories.survey, closes_in_days=-1)
    survey_id = factories.made_in(app, factories.survey)
    with app.app_context():
        from surveys.models import Survey

        question = db.session.get(Survey, survey_id).questions[0]
        option = question.options[0].id
        paths = [
            f"/umfrage/{survey_id}/{answer_token(person, survey_id, None)}"
            for person in people
        ]
        return question.id, option, paths


def run_threads(jobs: list, work) -> tuple[float, int]:  # noqa: ANN001
    """Spread jobs over THREADS keep-alive connections; returns seconds and errors."""
    errors = [0]
    lock = threading.Lock()

    def worker(chunk: list) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for job in chunk:
            if not work(connection, job):
                with lock:
                    errors[0] += 1
        connection.close()

    threads = [
        threading.Thread(target=worker, args=(jobs[i::THREADS],))
        for i in range(THREADS)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, errors[0]


@dataclass
class Rounds:
    """Seconds and errors of each kind ("hello", "answer"), each round's ratio."""

    seconds: dict[str, float] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    ratios: list[float] = field(default_factory=list)


def interleaved(jobs: list) -> Rounds:
    """Hello world and answers in alternating rounds, the order swapped each round,
    so that a slow spell of the machine (other tenants, frequency changes) weighs on
    both alike."""
    rounds = Rounds()
    for number, start in enumerate(range(0, len(jobs), ROUND)):
        part = jobs[start : start + ROUND]
        kinds = [
            ("hello", list(range(len(part))), hello),
            ("answer", part, post_answer),
        ]
        took = {}
        for kind, work, call in kinds if number % 2 == 0 else kinds[::-1]:
            took[kind], errors = run_threads(work, call)
            rounds.seconds[kind] = rounds.seconds.get(kind, 0.0) + took[kind]
            rounds.errors[kind] = rounds.errors.get(kind, 0) + errors
        rounds.ratios.append(took["hello"] / took["answer"])  # as many of each
    return rounds


def fetch_form(connection: http.client.HTTPConnection, job: dict) -> bool:
    connection.request("GET", job["path"])
    response = connection.getresponse()
    body = response.read().decode()
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body)
    job["token"] = match.group(1) if match else ""
    # The page of a personal link sets no cookie: the form token is all it needs.
    return (
        response.status == 200 and bool(match) and not response.getheader("Set-Cookie")
    )


def post_answer(connection: http.client.HTTPConnection, job: dict) -> bool:
    body = f"csrf_token={job['token']}&step=first&q{QUESTION}={OPTION}"
    connection.request(
        "POST",
        job["path"],
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    text = response.read()
    if response.status != 302 and os.environ.get("BENCH_DEBUG"):
        print(
            response.status,
            job["token"][:30],
            re.findall(rb"<p>[^<]+</p>", text)[:3],
        )
    return response.status == 302


def hello(connection: http.client.HTTPConnection, _job: dict) -> bool:
    connection.request("GET", "/healthz")
    response = connection.getresponse()
    response.read()
    return response.status == 200


def wait_until_serving(seconds: float = 180) -> None:
    """Until a worker answers: gunicorn's master accepts connections before its
    workers have booted, which on a busy machine takes longer than a request's
    timeout (every load thread then died at its first request)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)


def main() -> None:
    global PORT, QUESTION, OPTION
    from core.devmail import free_port

    folder = tempfile.mkdtemp()
    # BENCH_DATABASE_URL=postgresql+psycopg://… measures on PostgreSQL (emptied first).
    database = (
        os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/answer.sqlite"
    )
    if database.startswith("postgresql"):
        reset_postgres(database)
    QUESTION, OPTION, paths = prepare(database)
    PORT = free_port()
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "DATABASE_URL": database,
        "SECRET_KEY": SECRET,
        "MAIL_URL": "smtp://127.0.0.1:25",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "bench" / "gunicorn.bench.conf.py"),
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_serving()
        jobs = [{"path": path} for path in paths]
        _seconds, form_errors = run_threads(jobs, fetch_form)
        rounds = interleaved(jobs)
    finally:
        server.terminate()
        server.wait()
    stored = stored_answers(database)
    hello_rate = PEOPLE / rounds.seconds["hello"]
    answer_rate = PEOPLE / rounds.seconds["answer"]
    print(
        f"answer_post_rate: ours {answer_rate:.0f} req/s, "
        f"baseline {hello_rate:.0f} req/s (hello world), "
        f"ratio {statistics.median(rounds.ratios):.2f} "
        f"(median of {len(rounds.ratios)} alternating rounds; "
        f"lowest round {min(rounds.ratios):.2f}, "
        f"all rounds together {answer_rate / hello_rate:.2f})"
    )
    print(
        f"answer_post_errors: ours {rounds.errors['answer'] + form_errors} errors, "
        f"baseline {rounds.errors['hello']} errors; stored {stored} of {PEOPLE}"
    )


def reset_postgres(database: str) -> None:
    from sqlalchemy import create_engine, text

    with create_engine(database).begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


def stored_answers(database: str) -> int:
    from sqlalchemy import create_engine, text

    with create_engine(database).connect() as connection:
        return int(
            connection.execute(text("SELECT count(*) FROM responses")).scalar() or 0
        )


if __name__ == "__main__":
    main()
