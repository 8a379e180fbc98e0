"""Start-up refuses settings that cannot work, with one readable line naming them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import ConfigError, DevConfig, ProductionConfig, validate

ROOT = Path(__file__).resolve().parents[2]


def settings(base, **overrides):
    config = {k: getattr(base, k) for k in dir(base) if k.isupper()}
    config.update(ENV_NAME=base.ENV_NAME, **overrides)
    return config


def test_production_requires_a_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        validate(
            settings(
                ProductionConfig,
                SQLALCHEMY_DATABASE_URI="sqlite://",
                MAIL_URL="smtp://relay:25",
                BASE_URL="https://x",
            )
        )


@pytest.mark.parametrize("url", ["nonsense", "mysql://u@h/db", ""])
def test_broken_database_url_is_named(url):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        validate(settings(DevConfig, SQLALCHEMY_DATABASE_URI=url))


@pytest.mark.parametrize("url", ["", "http://mail:25", "smtp://", "smtp://host:port"])
def test_broken_mail_url_is_named(url):
    with pytest.raises(ConfigError, match="MAIL_URL"):
        validate(settings(DevConfig, MAIL_URL=url))


@pytest.mark.parametrize(
    "url",
    ["smtp://localhost:25", "smtps://u:p@relay.example", "smtp+starttls://relay:587"],
)
def test_supported_mail_urls_are_accepted(url):
    validate(settings(DevConfig, MAIL_URL=url))


@pytest.mark.slow
def test_the_flask_command_says_one_line_about_a_broken_setting(tmp_path):
    env = {**os.environ, "DATABASE_URL": "not-a-url"}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "users", "list"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "Configuration error: DATABASE_URL is not a database URL: 'not-a-url'"
    ]
