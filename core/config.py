"""Configuration classes, overridden by the documented environment variables."""

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - refused outside development
MAIL_SCHEMES = ("smtp", "smtps", "smtp+starttls")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the setting."""


class BaseConfig:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    MAIL_URL: str | None = None
    MAIL_FROM = "Brückenschlag <newsletter@localhost>"
    BASE_URL = "http://127.0.0.1:5000"
    TIMEZONE = "Europe/Berlin"
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")
    # Counted in the database, so every worker and machine sees the same numbers.
    LOGIN_RATE_LIMIT = "5 per minute"  # login posts per client address
    LOGIN_MAX_FAILURES = 5  # failed logins per account a day before waits begin
    # How many proxies in front of us set X-Forwarded-*; 0 = trust no client header.
    TRUSTED_PROXIES = 0
    # Argon2id cost of stored passwords (OWASP: 19 MiB, 2 iterations, 1 lane); hashes
    # made at a lower cost are upgraded at their holder's next login.
    PASSWORD_HASHING = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 0
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    HSTS = False
    DEV_MAILBOX = False
    DEV_MAILBOX_DIR = str(INSTANCE / "devmail")
    MIN_CELL = 5
    FEATURES = ("newsletter", "surveys", "landscape")
    # Consent proof: keep IP address and user agent only when set, and only this long.
    CONSENT_STORE_REQUEST_METADATA = False
    CONSENT_IP_RETENTION_DAYS = 90
    PENDING_RETENTION_DAYS = 30
    # Key for the hash of erased addresses; defaults to SECRET_KEY (set it to keep
    # the hashes valid when the secret key is rotated).
    ERASURE_KEY: str | None = None
    SIGNUP_RATE_LIMIT = "10 per hour"
    PUBLIC_SURVEY_RATE_LIMIT = "20 per hour"
    # After a survey closes, its personal links show the person's answers this long;
    # then they expire (nothing more is shown to whoever holds the link).
    SURVEY_LINK_DAYS_AFTER_CLOSE = 30
    # Preference links (profile, export, erasure) expire after this many days; a
    # refused one offers a fresh link by mail, at most this often per client address.
    PREFERENCES_LINK_DAYS = 90
    # A click of the same reader on the same link within this many seconds counts once.
    CLICK_REPEAT_SECONDS = 10
    PREFERENCES_LINK_RATE_LIMIT = "5 per hour"
    IMPORT_MAX_BYTES = 10 * 1024 * 1024
    # Larger XLSX exports of subscribers are written by the worker (gunicorn ends a
    # request after 30 s, and 100,000 rows take longer than that to write).
    EXPORT_ROWS_IN_REQUEST = 20_000
    MEDIA_DIR = str(INSTANCE / "media")
    # Sending: pace, retries, and when a campaign pauses itself.
    SEND_BATCH_SIZE = 100
    MAIL_RATE_PER_SECOND = 0
    MAIL_RATE_PER_HOUR = 0
    MAIL_MAX_ATTEMPTS = 5
    MAIL_RETRY_BACKOFF_SECONDS = 60
    MAIL_MAX_CONSECUTIVE_ERRORS = 20
    SENDER_STALE_SECONDS = 120
    # A stable name lets a restarted sender take over its own crash at once;
    # unnamed senders (host:pid) are taken over after SENDER_STALE_SECONDS.
    SENDER_NAME = ""
    MAIL_RETURN_PATH = ""  # envelope sender for bounces; default: the From address
    # Each message's envelope sender names its delivery (return+d<id>-<sig>@domain),
    # so that a bounce finds it; the mailbox must accept "+" subaddresses.
    MAIL_VERP = True
    # The mailbox the bounces to MAIL_RETURN_PATH land in, read by the worker:
    # imaps://user:password@host/INBOX (or imap://, imap+starttls://); empty: off.
    BOUNCE_IMAP_URL = ""
    BOUNCE_POLL_SECONDS = 300
    MAIL_UNSUBSCRIBE_MAILTO = ""  # adds a mailto: to List-Unsubscribe when set
    # DKIM signing of campaign mails: a PEM private key, its selector and domain.
    DKIM_KEY_PATH = ""
    DKIM_SELECTOR = ""
    DKIM_DOMAIN = ""
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # Only for the A/B benchmark: how the answer POST runs its statements, "direct"
    # (core.direct_sql on the DBAPI connection) or "execute" (Connection.execute).
    ANSWER_SQL = "direct"


class DevConfig(BaseConfig):
    ENV_NAME = "development"
    SECRET_KEY = DEV_SECRET
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE / 'brueckenschlag.sqlite'}"
    MAIL_URL = "smtp://127.0.0.1:8025"
    DEV_MAILBOX = True


class TestConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-with-enough-entropy-0123456789"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    MAIL_URL = "smtp://127.0.0.1:25"
    DEV_MAILBOX = True
    BASE_URL = "http://localhost"
    # Argon2's lowest cost: no test is about the cost, and at OWASP's each hash and
    # each login takes ~20 ms of CPU (tests/security/test_password_cost.py).
    PASSWORD_HASHING = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    # Host-only, https-only, path /: no subdomain can set or read it.
    SESSION_COOKIE_NAME = "__Host-session"
    HSTS = True
    BASE_URL = ""


CONFIGS = {
    "development": DevConfig,
    "testing": TestConfig,
    "production": ProductionConfig,
}


def config_class() -> type[BaseConfig]:
    """The config class named by APP_ENV (development unless said otherwise)."""
    name = os.environ.get("APP_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}"
        ) from None


def apply_environment(config: dict) -> None:
    """Copy the documented plain environment variables over the class defaults."""
    if url := os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    for name in (
        "MAIL_URL",
        "BASE_URL",
        "TIMEZONE",
        "SECRET_KEY",
        "MAIL_FROM",
        "BOUNCE_IMAP_URL",
    ):
        if value := os.environ.get(name):
            config[name] = value


def normalise_database_url(url: str) -> str:
    """Accept the common postgres:// spellings and route them to psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def validate(config: dict) -> None:
    """Refuse to start with a setting that cannot work, naming the setting."""
    if config.get("ENV_NAME") != "development" and (
        not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEV_SECRET
    ):
        raise ConfigError("SECRET_KEY must be set to a long random value")
    if len(config.get("SECRET_KEY") or "") < 16:
        raise ConfigError("SECRET_KEY is too short (at least 16 characters)")
    db_url = config.get("SQLALCHEMY_DATABASE_URI")
    if not db_url:
        raise ConfigError("DATABASE_URL is not set")
    try:
        parsed = make_url(db_url)
    except ArgumentError:
        raise ConfigError(f"DATABASE_URL is not a database URL: {db_url!r}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError("DATABASE_URL must be sqlite:/// or postgresql://")
    validate_mail_url(config.get("MAIL_URL"))
    validate_bounce_url(config.get("BOUNCE_IMAP_URL"))
    if config.get("ENV_NAME") == "production" and not config.get("BASE_URL"):
        raise ConfigError("BASE_URL must be set (the public https address)")


def validate_mail_url(url: str | None) -> None:
    """MAIL_URL must name a scheme we speak and a host."""
    if not url:
        raise ConfigError("MAIL_URL is not set")
    parts = urlsplit(url)
    if parts.scheme not in MAIL_SCHEMES or not parts.hostname:
        raise ConfigError(
            f"MAIL_URL must look like smtp://host:port, smtps://… or smtp+starttls://…,"
            f" not {url!r}"
        )
    try:
        parts.port  # noqa: B018 - raises on a non-numeric port
    except ValueError:
        raise ConfigError(f"MAIL_URL has an invalid port: {url!r}") from None


def validate_bounce_url(url: str | None) -> None:
    """BOUNCE_IMAP_URL, when set, must name an IMAP scheme and a host."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps", "imap+starttls") or not parts.hostname:
        raise ConfigError(
            "BOUNCE_IMAP_URL must look like imaps://user:password@host/INBOX "
            f"(or imap://, imap+starttls://), not {parts.scheme}://{parts.hostname}…"
        )
    try:
        parts.port  # noqa: B018 - raises on a non-numeric port
    except ValueError:
        raise ConfigError("BOUNCE_IMAP_URL has an invalid port") from None
