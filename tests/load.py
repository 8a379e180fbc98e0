"""Answers under load while a campaign goes out, with the real processes: the app
under gunicorn (several processes, threads in each), the one `flask worker`, a
loopback SMTP server, and many clients that each open a person's survey link (as
her mail has it) and press *Senden*. Shared by the load test (what must hold) and
bench/bench_load.py (how fast it was)."""

import http.client
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from core.devmail import free_port

ROOT = Path(__file__).resolve().parents[1]
GUNICORN_CONFIG = ROOT / "bench" / "gunicorn.bench.conf.py"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CHOICE = re.compile(r'name="(q\d+)" value="(\d+)"')


@dataclass
class Arrival:
    recipient: str
    raw: bytes
    at: float


@dataclass
class Mailbox:
    """What a loopback SMTP server received, in order, with the time of arrival."""

    arrivals: list[Arrival] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        now = time.monotonic()
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.arrivals.append(Arrival(recipient, envelope.content, now))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, str]]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


def environment(database_url: str, mail_url: str, secret: str, media: Path) -> dict:
    return {
        **os.environ,
        "APP_ENV": "testing",
        "DATABASE_URL": database_url,
        "MAIL_URL": mail_url,
        "SECRET_KEY": secret,
        "BRUECKE_MEDIA_DIR": str(media),
    }


@contextmanager
def process(command: list[str], env: dict, log: Path) -> Iterator[subprocess.Popen]:
    """A child process whose output goes to `log`; stopped with SIGTERM at the end."""
    with open(log, "w") as output:
        child = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=40)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@contextmanager
def web_server(
    env: dict, log: Path, workers: int = 2, threads: int = 8
) -> Iterator[int]:
    """The app under gunicorn with threaded workers (gthread); yields its port."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(GUNICORN_CONFIG),
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "wsgi:app",
    ]
    with process(command, env, log) as server:
        deadline = time.monotonic() + 60
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                connection.close()
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield port


@contextmanager
def worker(env: dict, log: Path) -> Iterator[subprocess.Popen]:
    """The one `flask worker` (scheduler and sender)."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker"]
    with process(command, env, log) as child:
        yield child


@dataclass
class Link:
    """One person's link to a survey, as her mail has it: with the button's option."""

    recipient: str
    path: str
    option: int


def personal_links(session: Any, survey_id: int, count: int) -> list[Link]:
    """The links of the first `count` subscribers to the survey's first question,
    choosing its options in turn (inside an app context)."""
    from sqlalchemy import select

    from newsletter.audience.models import Subscriber
    from newsletter.campaigns.rendering import Recipient
    from surveys.answering.responses import answer_token
    from surveys.models import Survey

    survey = session.get(Survey, survey_id)
    options = [option.id for option in survey.questions[0].options]
    people = [
        (email, answer_token(Recipient(id_, key), survey_id, None))
        for id_, email, key in session.execute(
            select(Subscriber.id, Subscriber.email, Subscriber.link_key)
            .order_by(Subscriber.id)
            .limit(count)
        )
    ]
    return [
        Link(
            email,
            f"/umfrage/{survey_id}/{token}",
            options[n % len(options)],
        )
        for n, (email, token) in enumerate(people)
    ]


@dataclass
class Answered:
    """One person's answer through her link."""

    recipient: str
    option: int
    get_status: int
    post_status: int
    seconds: float  # the POST's, from sending the request to the whole answer
    finished_at: float


def answer(connection: http.client.HTTPConnection, link: Link) -> Answered:
    """Open the link of the mail's button as a browser would, then press *Senden*
    with the preselected answer, sending back whatever cookie the page set."""
    connection.request("GET", f"{link.path}?o={link.option}")
    page = connection.getresponse()
    html = page.read().decode()
    cookie = "; ".join(
        value.split(";")[0]
        for name, value in page.getheaders()
        if name.lower() == "set-cookie"
    )
    token = CSRF.search(html)
    choices = CHOICE.findall(html)
    if page.status != 200 or token is None or not choices:
        return Answered(link.recipient, link.option, page.status, 0, 0.0, 0.0)
    body = f"csrf_token={token.group(1)}&step=first&{choices[0][0]}={link.option}"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    start = time.monotonic()
    connection.request("POST", link.path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    end = time.monotonic()
    return Answered(link.recipient, link.option, 200, response.status, end - start, end)


def answer_all(port: int, links: list[Link], clients: int) -> list[Answered]:
    """`clients` threads, each with its own keep-alive connection, answer through
    the links, each taking the next one as soon as its last answer is back."""
    results: list[Answered] = []
    pending = iter(links)
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                link = next(pending, None)
            if link is None:
                break
            try:
                done = answer(connection, link)
            except (OSError, http.client.HTTPException):
                connection.close()  # the next request opens a fresh connection
                done = Answered(link.recipient, link.option, 0, 0, 0.0, 0.0)
            with lock:
                results.append(done)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def wait_for_mail(mailbox: Mailbox, count: int, timeout: float = 60) -> None:
    """Until `count` mails have arrived."""
    deadline = time.monotonic() + timeout
    while mailbox.count() < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{mailbox.count()} of {count} mails arrived")
        time.sleep(0.02)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share between 0 and 1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]
