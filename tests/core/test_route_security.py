"""Every route is private unless marked public, and roles are enforced on the server."""

import re

import pytest

from core.models import Role


def concrete_url(rule) -> str:
    """A URL for the rule with placeholder values for its arguments."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)


def private_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        if getattr(view, "is_public", False):
            continue
        yield rule


def test_anonymous_requests_to_private_pages_go_to_login(app, client):
    rules = list(private_rules(app))
    assert rules, "expected private routes"
    for rule in rules:
        method = (
            "GET"
            if "GET" in rule.methods
            else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        )
        response = client.open(concrete_url(rule), method=method)
        assert response.status_code in (302, 400, 401, 403, 404), rule.rule
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], rule.rule


def test_analyst_gets_403_on_manager_pages(app, client, login_as):
    login_as(Role.ANALYST)
    manager_rules = [
        rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "permission", None)
        in ("subscribers", "campaigns", "surveys", "users")
        and "GET" in rule.methods
    ]
    assert manager_rules
    for rule in manager_rules:
        assert client.get(concrete_url(rule)).status_code == 403, rule.rule


def test_every_private_view_names_its_permission(app):
    for rule in private_rules(app):
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "permission", None), f"{rule.endpoint} has no @requires"


def test_forbidden_page_is_translated(app, client, login_as):
    login_as(Role.ANALYST)
    german = client.get("/subscribers").get_data(as_text=True)
    english = client.get("/subscribers", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Zugriff verweigert" in german
    assert "Access denied" in english


def test_security_headers_are_sent(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/dev/mailbox/", "/dev/mailbox/anything"])
def test_dev_mailbox_is_404_in_production(monkeypatch, path):
    from core.app import create_app

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("MAIL_URL", "smtp://relay.example:25")
    monkeypatch.setenv("BASE_URL", "https://bruecke.example")
    app = create_app()
    assert app.test_client().get(path).status_code == 404


def test_production_cookie_and_hsts(monkeypatch):
    from core.app import create_app

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("MAIL_URL", "smtp://relay.example:25")
    monkeypatch.setenv("BASE_URL", "https://bruecke.example")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/login")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_forwarded_for_is_trusted_only_behind_a_configured_proxy(app):
    from werkzeug.middleware.proxy_fix import ProxyFix

    from core.app import create_app

    assert not isinstance(app.wsgi_app, ProxyFix)
    behind_proxy = create_app({**app.config, "TRUSTED_PROXIES": 1})
    assert isinstance(behind_proxy.wsgi_app, ProxyFix)
