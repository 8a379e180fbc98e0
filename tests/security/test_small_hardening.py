"""The small holes of the outside test (#14.7): headers, cookies, the dev mailbox,
forged unsubscribe links and tokens in access logs."""

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from core.app import create_app
from core.config import ProductionConfig
from core.db import db
from core.devmail import free_port
from core.models import Role
from newsletter.audience.models import Subscription, SubscriptionStatus
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def list_id(app, slug: str) -> int:
    with app.app_context():
        return factories.find_list(db.session, slug).id


def test_csp_forbids_any_base_element(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert "base-uri 'none'" in policy


@pytest.mark.parametrize(
    "path",
    [
        "/einstellungen/abc.def",
        "/abmelden/abc.def",
        "/bestaetigen/abc.def",
        "/umfrage/1/abc.def",
    ],
)
def test_pages_reached_by_a_personal_token_send_no_referrer(client, path):
    assert client.get(path).headers["Referrer-Policy"] == "no-referrer"


def test_other_pages_keep_the_usual_referrer_policy(client):
    assert (
        client.get("/login").headers["Referrer-Policy"]
        == "strict-origin-when-cross-origin"
    )


def test_the_production_session_cookie_is_a_host_cookie(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("BASE_URL", "https://bruecke.example")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")
    monkeypatch.setenv("MAIL_URL", "smtp://127.0.0.1:25")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_dev_mailbox_needs_a_manager_or_administrator(client, login_as):
    assert client.get("/dev/mailbox/").status_code == 302  # to the login page
    login_as(Role.ANALYST)
    assert client.get("/dev/mailbox/").status_code == 403


def test_the_dev_mailbox_opens_for_a_manager(client, login_as):
    login_as(Role.MANAGER, "dortmund")
    assert client.get("/dev/mailbox/").status_code == 200


def test_a_forged_one_click_unsubscribe_looks_like_a_real_one_and_changes_nothing(
    app, client
):
    forged = client.post(
        "/abmelden/forged.token.value",
        data={"List-Unsubscribe": "One-Click"},
    )
    assert forged.status_code == 200
    with app.app_context():
        active = db.session.scalars(
            select(Subscription).where(Subscription.status == SubscriptionStatus.ACTIVE)
        ).all()
    assert active == []
    assert list_id(app, "newsletter-dortmund")


@pytest.mark.slow
def test_the_production_command_masks_tokens_in_its_access_log(tmp_path):
    """The README's `gunicorn -c gunicorn.conf.py wsgi:app`, as it is run."""
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
        "SECRET_KEY": "production-command-test",
    }
    upgrade = [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]
    subprocess.run(upgrade, cwd=ROOT, env=env, check=True, capture_output=True)
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
    server = subprocess.Popen(
        [*command, "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        token = "eyJzIjo0Mn0.Zx9_AbCdEfGhIjKlMnOp"
        status = get_when_up(f"http://127.0.0.1:{port}/einstellungen/{token}")
        web = "eyJzIjo0M30.Wv8_QrStUvWxYzAbCdEf"
        web_status = get_when_up(f"http://127.0.0.1:{port}/ausgabe/1/de/{web}")
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    assert status == 400  # a forged settings link, answered by the app
    assert web_status == 404  # a web version of an issue that does not exist
    assert "/einstellungen/…" in log
    assert "/ausgabe/1/de/…" in log
    assert "Zx9_AbCdEfGhIjKlMnOp" not in log
    assert "Wv8_QrStUvWxYzAbCdEf" not in log


def get_when_up(url: str) -> int:
    for _ in range(150):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer")


def test_every_route_that_carries_a_token_is_masked_in_the_access_log(app):
    """Not only the settings and web version: every path with a personal token or
    key (sign-up end, profile, introduction, click links, …), and any added later."""
    from core.access_log import mask

    secret = "eyJzIjo0Mn0.Zx9_AbCdEfGhIjKlMnOp"
    carrying = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if {"token", "key"} & set(rule.arguments)
        and not rule.rule.startswith("/dev/")  # the dev mailbox: 404 in production
    ]
    assert len(carrying) > 10
    shown = []
    for rule in carrying:
        path = re.sub(r"<(token|key)>", secret, rule.replace("<lang>", "de"))
        path = re.sub(r"<[^>]*>", "7", path)
        line = mask(f'127.0.0.1 - - [05/Dec/2026:01:00:00] "GET {path} HTTP/1.1" 200')
        if "Zx9_AbCdEfGhIjKlMnOp" in line or "…" not in line:
            shown.append(rule)
    assert shown == []


def an_address_of_this_machine_beyond_loopback() -> str | None:
    """The address of the interface that would route outwards (nothing is sent)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks a route
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def dev_server_warning(tmp_path, host: str) -> str:
    """What `flask dev --host HOST` writes to stderr before it serves: read until
    its banner, then stopped."""
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
        "BRUECKE_DEV_MAILBOX_DIR": str(tmp_path / "devmail"),
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "dev", "--host", host]
    ports = ["--port", str(free_port()), "--smtp-port", str(free_port())]
    server = subprocess.Popen(
        [*command, *ports],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    said = []
    try:
        for line in server.stdout:
            said.append(line)
            if "Brückenschlag:" in line:
                break
    finally:
        server.terminate()
        server.communicate(timeout=30)
    return "".join(said)


@pytest.mark.slow
def test_the_development_server_warns_when_it_listens_beyond_this_machine(tmp_path):
    address = an_address_of_this_machine_beyond_loopback()
    if address is None:
        pytest.skip("this machine has no address beyond loopback")
    assert "WARNING" in dev_server_warning(tmp_path, address)
    assert "WARNING" not in dev_server_warning(tmp_path, "127.0.0.1")
