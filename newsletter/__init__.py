"""Subscribers, lists, consent, campaigns, rendering, outbox, sending, scheduling."""

from flask import Blueprint, Flask

bp = Blueprint("newsletter", __name__)


def init_app(app: Flask) -> None:
    """Register the newsletter's views, home panel and demo data with the app."""
    from core.home import add_home_panel
    from newsletter import views  # noqa: F401 - registers the routes on bp
    from newsletter.demo import seed_demo_subscribers
    from newsletter.home import subscriber_panel
    from newsletter.labels import status_label

    app.register_blueprint(bp)
    add_home_panel(app, subscriber_panel)
    app.extensions.setdefault("demo_seeders", []).append(seed_demo_subscribers)
    app.jinja_env.globals["status_label"] = status_label
