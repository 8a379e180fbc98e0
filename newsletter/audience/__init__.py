"""Subscribers, lists, segments, consent, sign-up and confirmation, the preference
centre, import, export and erasure."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Routes, home panel, navigation, demo data and housekeeping jobs."""
    from core.db import db
    from core.home import add_home_panel
    from core.regions import all_regions
    from core.registry import (
        NavEntry,
        add_admin_page,
        add_demo_seeder,
        add_nav_entry,
        add_region_setup,
    )
    from core.scheduler import Job, add_job
    from newsletter.audience import (  # noqa: F401 - registers the tables and routes
        data_views,
        export_views,
        import_views,
        link_views,
        list_views,
        models,
        public_views,
        text_views,
        unsubscribe_views,
        views,
    )
    from newsletter.audience.consent import ensure_first_texts
    from newsletter.audience.demo import seed_demo_subscribers
    from newsletter.audience.export_jobs import run_queued_exports
    from newsletter.audience.home import subscriber_panel
    from newsletter.audience.import_jobs import run_queued_imports
    from newsletter.audience.jobs import (
        delete_stale_pending,
        purge_request_metadata,
        send_system_mails,
    )
    from newsletter.audience.labels import (
        consent_label,
        iso_datetime,
        org_type_label,
        source_label,
        status_label,
    )

    add_nav_entry(
        app,
        NavEntry(
            _l("Subscribers"),
            "newsletter.subscribers",
            "subscribers",
            active=("newsletter.subscriber",),
            order=10,
        ),
    )
    add_home_panel(app, subscriber_panel)
    add_admin_page(
        app,
        NavEntry(
            _l("Consent texts"),
            "newsletter.consent_texts",
            "users",
            active=("newsletter.consent_text",),
        ),
    )
    add_demo_seeder(app, seed_demo_subscribers)
    add_region_setup(app, ensure_first_texts)
    app.jinja_env.filters["iso_datetime"] = iso_datetime
    app.jinja_env.globals["joint_controllers"] = lambda: all_regions(db.session)
    app.jinja_env.globals.update(
        status_label=status_label,
        org_type_label=org_type_label,
        consent_label=consent_label,
        source_label=source_label,
    )
    add_job(app, Job("newsletter.delete_stale_pending", delete_stale_pending, 3600))
    add_job(app, Job("newsletter.purge_request_metadata", purge_request_metadata, 3600))
    add_job(app, Job("newsletter.run_imports", run_queued_imports, 5))
    add_job(app, Job("newsletter.run_exports", run_queued_exports, 5))
    add_job(app, Job("newsletter.send_system_mails", send_system_mails, 30))
