"""Entry point for gunicorn and the flask command: `gunicorn wsgi:app`."""

from core.app import create_app
from core.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    raise SystemExit(f"Configuration error: {error}") from None
