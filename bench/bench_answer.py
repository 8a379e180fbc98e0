"""The answer POST under gunicorn (4 workers) against a hello-world route of the same
app and server, with the same load generator in one run; every answer must be stored.

Prints `NAME: ours <value> <unit>, baseline <value> <unit>, ratio <ours/baseline>`."""

import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "2000"))
THREADS = 8
ROUND = 1000  # requests of each kind per round
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
    from surveys.answering import answer_token
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


def interleaved(jobs: list) -> tuple[float, int, float, int]:
    """Hello world and answers in alternating rounds, so that a slow spell of the
    machine (other tenants, frequency changes) weighs on both alike."""
    hello_seconds = answer_seconds = 0.0
    hello_errors = answer_errors = 0
    for start in range(0, len(jobs), ROUND):
        part = jobs[start : start + ROUND]
        seconds, errors = run_threads(list(range(len(part))), hello)
        hello_seconds, hello_errors = hello_seconds + seconds, hello_errors + errors
        seconds, errors = run_threads(part, post_answer)
        answer_seconds, answer_errors = answer_seconds + seconds, answer_errors + errors
    return hello_seconds, hello_errors, answer_seconds, answer_errors


def fetch_form(connection: http.client.HTTPConnection, job: dict) -> bool:
    connection.request("GET", job["path"])
    response = connection.getresponse()
    body = response.read().decode()
    cookies = [
        h.split(";")[0] for k, h in response.getheaders() if k.lower() == "set-cookie"
    ]
    cookie = "; ".join(c for c in cookies if c.startswith("session="))
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body)
    job["cookie"], job["token"] = cookie, match.group(1) if match else ""
    return response.status == 200 and bool(match)


def post_answer(connection: http.client.HTTPConnection, job: dict) -> bool:
    body = f"csrf_token={job['token']}&step=first&q{QUESTION}={OPTION}"
    connection.request(
        "POST",
        job["path"],
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": job["cookie"],
        },
    )
    response = connection.getresponse()
    text = response.read()
    if response.status != 302 and os.environ.get("BENCH_DEBUG"):
        print(
            response.status,
            job["cookie"][:60],
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
        hello_seconds, hello_errors, answer_seconds, answer_errors = interleaved(jobs)
    finally:
        server.terminate()
        server.wait()
    stored = stored_answers(database)
    hello_rate, answer_rate = PEOPLE / hello_seconds, PEOPLE / answer_seconds
    print(
        f"answer_post_rate: ours {answer_rate:.0f} req/s, "
        f"baseline {hello_rate:.0f} req/s (hello world), "
        f"ratio {answer_rate / hello_rate:.2f}"
    )
    print(
        f"answer_post_errors: ours {answer_errors + form_errors} errors, baseline "
        f"{hello_errors} errors; stored {stored} of {PEOPLE}"
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
