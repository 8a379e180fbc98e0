"""Login throttling holds per account and per address, across workers and machines
(#14.3): the count lives in the database every process shares."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, update

from core.app import create_app
from core.config import TestConfig
from core.counters import ThrottleCounter
from core.db import db
from core.models import Role
from tests.fixtures.smtp import SMTPServer
from tests.http import PASSWORD, csrf_token

WRONG = "not the password at all"


def post_login(client, email: str, password: str, address: str):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address})
    return client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
        environ_base={"REMOTE_ADDR": address},
    )


def refused(response) -> bool:
    return response.status_code == 429


@pytest.fixture
def second_worker(app):
    """Another process's app on the same database (as a second gunicorn worker)."""
    other = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "MAIL_URL": app.config["MAIL_URL"],
        }
    )
    yield other.test_client()
    with other.app_context():
        db.engine.dispose()  # its connections closed, not left to the collector


def test_twenty_addresses_do_not_get_twenty_tries_at_one_account(
    app, client, make_user
):
    user = make_user(Role.MANAGER, "dortmund")
    results = [
        post_login(client, user.email, WRONG, f"10.0.0.{n}") for n in range(1, 21)
    ]
    assert [refused(r) for r in results[:5]] == [False] * 5
    assert all(refused(r) for r in results[5:])
    # even the right password waits now: the account is held, not the address
    assert refused(post_login(client, user.email, PASSWORD, "10.0.1.1"))


def test_two_workers_share_the_count(app, client, make_user, second_worker):
    user = make_user(Role.MANAGER, "dortmund")
    other = second_worker
    for n in range(5):
        worker = client if n % 2 else other
        assert not refused(post_login(worker, user.email, WRONG, "10.0.0.9"))
    assert refused(post_login(client, user.email, WRONG, "10.0.0.9"))
    assert refused(post_login(other, user.email, WRONG, "10.0.0.9"))
    # the count is in the database, not in this process's memory
    with app.app_context():
        counters = db.session.scalars(select(ThrottleCounter)).all()
    assert [c.tries for c in counters if c.key.startswith("login-account:")] == [5]


FAILING_ELSEWHERE = """
import sys
from core.app import create_app
from core.config import TestConfig
from tests.security.test_login_throttling import WRONG, post_login
url, mail_url, email = sys.argv[1:]
settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": url, "MAIL_URL": mail_url})
client = app.test_client()
print([post_login(client, email, WRONG, f"10.9.0.{n}").status_code for n in range(5)])
"""


@pytest.mark.slow
def test_failures_in_another_process_count_here(app, client, make_user):
    """Two gunicorn workers are two processes: five failures in one leave no
    sixth try in the other."""
    user = make_user(Role.MANAGER, "dortmund")
    elsewhere = subprocess.run(
        [
            sys.executable,
            "-c",
            FAILING_ELSEWHERE,
            app.config["SQLALCHEMY_DATABASE_URI"],
            app.config["MAIL_URL"],
            user.email,
        ],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert elsewhere.stdout.strip() == str([200] * 5)
    assert refused(post_login(client, user.email, WRONG, "10.9.1.1"))
    assert refused(post_login(client, user.email, PASSWORD, "10.9.1.2"))


def test_an_unknown_account_is_throttled_the_same_way(app, client):
    results = [
        post_login(client, "nobody@example.org", WRONG, f"10.0.2.{n}")
        for n in range(1, 8)
    ]
    assert [refused(r) for r in results] == [False] * 5 + [True] * 2


def test_one_address_cannot_try_many_accounts(app, client):
    results = [
        post_login(client, f"user{n}@example.org", WRONG, "10.0.3.3") for n in range(12)
    ]
    assert any(refused(r) for r in results[:11])


def test_the_account_holder_is_told_of_repeated_failures(
    app, client, make_user, smtp_server: SMTPServer
):
    user = make_user(Role.MANAGER, "dortmund")
    for n in range(5):
        post_login(client, user.email, WRONG, f"10.0.4.{n}")
    notices = [m for m in smtp_server.messages if user.email in m["To"]]
    assert len(notices) == 1
    assert "Anmeldeversuche" in notices[0]["Subject"]


@pytest.mark.parametrize("path", ["/anmelden/dortmund"])
def test_the_sign_up_limit_holds_across_workers(app, client, path, second_worker):
    other = second_worker
    limit = int(app.config["SIGNUP_RATE_LIMIT"].split()[0])
    codes = []
    for n in range(limit + 1):
        worker = client if n % 2 else other
        page = worker.get(path, environ_base={"REMOTE_ADDR": "10.0.5.5"})
        codes.append(
            worker.post(
                path,
                data={"csrf_token": csrf_token(page.get_data(as_text=True))},
                environ_base={"REMOTE_ADDR": "10.0.5.5"},
            ).status_code
        )
    assert 429 not in codes[:limit]
    assert codes[limit] == 429


def test_old_events_are_purged(app):
    from datetime import timedelta

    from core.db import utcnow
    from core.throttle import ThrottleEvent, purge_throttle_events

    with app.app_context():
        db.session.add(ThrottleEvent(key="x", at=utcnow() - timedelta(days=2)))
        db.session.add(ThrottleEvent(key="y", at=utcnow()))
        db.session.commit()
        assert purge_throttle_events() == 1


def test_a_burst_of_wrong_passwords_at_once_gets_no_more_tries_than_allowed(
    app, make_user
):
    """Twelve clients press "Anmelden" with a wrong password at the same moment
    (each from its own address): the check and the count are one step, so no more
    than the allowed number reach the password, and the right one waits after."""
    user = make_user(Role.MANAGER, "dortmund")
    allowed = int(app.config["LOGIN_MAX_FAILURES"])
    clients, pages = [], []
    for n in range(12):
        tester = app.test_client()
        address = f"10.0.6.{n}"
        page = tester.get("/login", environ_base={"REMOTE_ADDR": address})
        clients.append((tester, address))
        pages.append(csrf_token(page.get_data(as_text=True)))
    start = threading.Barrier(len(clients))
    codes: list[int] = []

    def press(index: int) -> None:
        tester, address = clients[index]
        start.wait()
        response = tester.post(
            "/login",
            data={"email": user.email, "password": WRONG, "csrf_token": pages[index]},
            environ_base={"REMOTE_ADDR": address},
        )
        codes.append(response.status_code)

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(codes) == len(clients)
    assert sum(code != 429 for code in codes) <= allowed
    with app.test_client() as late:
        assert refused(post_login(late, user.email, PASSWORD, "10.0.6.99"))


def test_each_wait_after_the_fifth_failure_is_twice_as_long(app, client, make_user):
    """A minute, then two, then four: the account's holder is slowed down more with
    every further wrong try, not given five fresh ones after each minute."""
    user = make_user(Role.MANAGER, "dortmund")
    for n in range(5):
        assert not refused(post_login(client, user.email, WRONG, f"10.8.0.{n}"))
    waits = []
    for n in range(3):
        held = post_login(client, user.email, WRONG, f"10.8.1.{n}")
        assert refused(held)
        waits.append(int(held.headers["Retry-After"]))
        with app.app_context():  # the wait has passed
            db.session.execute(update(ThrottleCounter).values(blocked_until=0))
            db.session.commit()
        assert not refused(post_login(client, user.email, WRONG, f"10.8.2.{n}"))
    assert [round(wait, -1) for wait in waits] == [60, 120, 240]
