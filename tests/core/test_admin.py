"""Administrators manage accounts in the browser and read the audit log; nobody else."""

from core.models import Role
from tests.http import csrf_token, login


def test_admin_creates_and_deactivates_an_account(app, client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/admin/users").get_data(as_text=True)
    created = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf_token(page),
            "email": "neu@agentur.example",
            "name": "Neu",
            "role": "manager",
            "region": "dortmund",
            "password": "ein langes Passwort",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "neu@agentur.example" in created
    short = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf_token(page),
            "email": "kurz@agentur.example",
            "role": "analyst",
            "password": "kurz",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "mindestens 12 Zeichen" in short or "at least 12 characters" in short
    fresh = app.test_client()
    assert login(fresh, "neu@agentur.example", "ein langes Passwort").status_code == 302
    from sqlalchemy import select

    from core.db import db
    from core.models import User

    with app.app_context():
        user_id = db.session.scalar(
            select(User.id).where(User.email == "neu@agentur.example")
        )
    client.post(
        f"/admin/users/{user_id}/deactivate", data={"csrf_token": csrf_token(page)}
    )
    assert fresh.get("/").status_code == 302  # the session ended at once
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "deactivate" in audit


def test_managers_and_analysts_get_403(client, login_as):
    login_as(Role.MANAGER)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/audit").status_code == 403
