"""Sending: the outbox, the sender and its MIME and DKIM, bounces and the bounce
mailbox, progress pages, and the scheduler's jobs."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Routes, the `flask bounces` commands and the sending jobs."""
    from core.scheduler import Job, add_job
    from newsletter.audience.personal_data import add_personal_data_source
    from newsletter.audience.sections import add_subscriber_section
    from newsletter.campaigns.audiences import add_audience
    from newsletter.sending import (  # noqa: F401 - tables and routes
        models,
        results_views,
        views,
        welcome_views,
    )
    from newsletter.sending.cli import bounces_cli
    from newsletter.sending.history import deliveries_section
    from newsletter.sending.jobs import (
        dispatch_campaigns,
        enqueue_welcome,
        poll_bounce_inbox,
        send_queued,
    )
    from newsletter.sending.labels import delivery_status_label
    from newsletter.sending.privacy import BOUNCES, DELIVERIES
    from newsletter.sending.reasons import advice, explanation
    from newsletter.sending.welcome import WELCOME_AUDIENCE

    app.cli.add_command(bounces_cli)
    add_subscriber_section(app, deliveries_section)
    add_personal_data_source(app, DELIVERIES)
    add_personal_data_source(app, BOUNCES)
    app.jinja_env.globals["delivery_status_label"] = delivery_status_label
    app.jinja_env.globals["explanation"] = explanation
    app.jinja_env.globals["advice"] = advice
    add_job(app, Job("newsletter.dispatch_campaigns", dispatch_campaigns, 10))
    add_job(app, Job("newsletter.send_queued", send_queued, 2, sender=True))
    add_audience(app, WELCOME_AUDIENCE)
    add_job(app, Job("newsletter.enqueue_welcome", enqueue_welcome, 30))
    if app.config["BOUNCE_IMAP_URL"]:
        seconds = float(app.config["BOUNCE_POLL_SECONDS"])
        add_job(app, Job("newsletter.poll_bounce_inbox", poll_bounce_inbox, seconds))
