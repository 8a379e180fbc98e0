"""Logging in and out as a manager would, with the protections an attacker meets."""

from core.models import Role
from tests.http import csrf_token, login


def test_manager_logs_in_and_sees_her_region(client, make_user):
    manager = make_user(Role.MANAGER, "suedwestfalen")
    response = login(client, manager.email)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Übersicht für Südwestfalen" in page
    assert "Abonnenten" in page


def test_admin_sees_both_regions(client, make_user):
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    page = client.get("/").get_data(as_text=True)
    assert "Übersicht aller Regionen" in page


def test_wrong_password_and_unknown_user_get_the_same_message(client, make_user):
    manager = make_user(Role.MANAGER, "dortmund")
    wrong = login(client, manager.email, "not the password").get_data(as_text=True)
    unknown = login(client, "nobody@example.org", "not the password").get_data(
        as_text=True
    )
    message = "E-Mail-Adresse oder Passwort ist falsch."
    assert message in wrong
    assert message in unknown


def test_sixth_try_within_a_minute_is_throttled(client, make_user):
    manager = make_user(Role.MANAGER, "dortmund")
    for _ in range(5):
        assert login(client, manager.email, "wrong password!").status_code == 200
    throttled = login(client, manager.email)
    assert throttled.status_code == 429
    assert "Zu viele Versuche" in throttled.get_data(as_text=True)


def test_logout_invalidates_the_session_on_the_server(client, make_user):
    manager = make_user(Role.MANAGER, "dortmund")
    login(client, manager.email)
    old_cookie = client.get_cookie("session").value
    page = client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    client.set_cookie("session", old_cookie)
    replayed = client.get("/")
    assert replayed.status_code == 302
    assert "/login" in replayed.headers["Location"]


def test_login_redirects_only_to_our_own_paths(client, make_user):
    manager = make_user(Role.MANAGER, "dortmund")
    response = login(client, manager.email, next="https://evil.example/phish")
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    response = login(client, manager.email, next="/subscribers?q=x")
    assert response.headers["Location"] == "/subscribers?q=x"


def test_a_form_without_csrf_token_is_refused(client, make_user):
    manager = make_user(Role.MANAGER, "dortmund")
    response = client.post("/login", data={"email": manager.email, "password": "x"})
    assert response.status_code == 400


def test_deactivated_user_is_logged_out_at_once(app, client, make_user):
    from core.auth import deactivate
    from core.db import db
    from core.models import User

    manager = make_user(Role.MANAGER, "dortmund")
    login(client, manager.email)
    assert client.get("/").status_code == 200
    with app.app_context():
        deactivate(db.session, db.session.get(User, manager.id))
        db.session.commit()
    assert client.get("/").status_code == 302
