"""Passwords are stored with Argon2id at OWASP's cost (19 MiB, 2 iterations, 1 lane)
in production. The tests hash at the lowest cost (a setting of TestConfig, so the
suite does not spend its time in Argon2); a hash made that cheaply still lets its
holder in under production's cost, and her login upgrades it."""

from sqlalchemy import select

from core.config import BaseConfig, ProductionConfig, TestConfig
from core.db import db
from core.models import Role, User
from tests.http import login

OWASP = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}


def stored_hash(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.email == email))


def test_production_hashes_at_owasp_cost_and_tests_at_the_lowest():
    assert BaseConfig.PASSWORD_HASHING == OWASP
    assert ProductionConfig.PASSWORD_HASHING == OWASP
    assert TestConfig.PASSWORD_HASHING == {
        "time_cost": 1,
        "memory_cost": 8,
        "parallelism": 1,
    }


def test_a_cheap_test_hash_still_lets_her_in_under_production_cost(
    app, client, make_user
):
    manager = make_user(Role.MANAGER, "dortmund")
    assert stored_hash(app, manager.email).startswith("$argon2id$v=19$m=8,t=1,p=1$")

    app.config["PASSWORD_HASHING"] = dict(ProductionConfig.PASSWORD_HASHING)
    assert login(client, manager.email, "not the password").status_code == 200
    assert login(client, manager.email).status_code == 302
    upgraded = stored_hash(app, manager.email)
    assert upgraded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert login(app.test_client(), manager.email).status_code == 302
