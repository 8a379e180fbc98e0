"""Subscribers, lists, consent, campaigns, rendering, outbox, sending, scheduling."""

from flask import Blueprint, Flask

bp = Blueprint("newsletter", __name__)


def init_app(app: Flask) -> None:
    """Register the newsletter's views, home panel and demo data with the app."""
    from core.home import add_home_panel
    from core.scheduler import Job, add_job
    from newsletter import (  # noqa: F401 - registers the tables and the routes
        archive_views,
        audience_views,
        campaign_models,
        campaign_views,
        import_views,
        labels,
        layout_views,
        models,
        public_views,
        sending_views,
        views,
    )
    from newsletter.blocks import register_built_in_blocks
    from newsletter.demo import seed_demo_subscribers
    from newsletter.home import campaign_panel, subscriber_panel
    from newsletter.jobs import (
        delete_stale_pending,
        dispatch_campaigns,
        poll_bounce_inbox,
        purge_request_metadata,
        send_queued,
    )

    app.register_blueprint(bp)
    from newsletter.cli import bounces_cli

    app.cli.add_command(bounces_cli)
    register_built_in_blocks(app)
    add_home_panel(app, subscriber_panel)
    add_home_panel(app, campaign_panel)
    app.extensions.setdefault("demo_seeders", []).append(seed_demo_subscribers)
    for name in (
        "status_label",
        "org_type_label",
        "consent_label",
        "source_label",
        "campaign_status_label",
        "delivery_status_label",
    ):
        app.jinja_env.globals[name] = getattr(labels, name)
    add_job(app, Job("newsletter.delete_stale_pending", delete_stale_pending, 3600))
    add_job(app, Job("newsletter.purge_request_metadata", purge_request_metadata, 3600))
    add_job(app, Job("newsletter.dispatch_campaigns", dispatch_campaigns, 10))
    add_job(app, Job("newsletter.send_queued", send_queued, 2, sender=True))
    if app.config["BOUNCE_IMAP_URL"]:
        seconds = float(app.config["BOUNCE_POLL_SECONDS"])
        add_job(app, Job("newsletter.poll_bounce_inbox", poll_bounce_inbox, seconds))
