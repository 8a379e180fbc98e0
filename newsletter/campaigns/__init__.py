"""Campaigns: composing issues from blocks, rendering them through the regions' MJML
layouts, pictures, previews and test sends, the public archive and web versions."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Routes, the built-in blocks, home panel and navigation."""
    from core.home import add_home_panel
    from core.registry import NavEntry, add_nav_entry
    from newsletter.campaigns import (  # noqa: F401 - registers the tables and routes
        archive_views,
        click_views,
        editor_views,
        layout_views,
        models,
        views,
    )
    from newsletter.campaigns.built_in_blocks import register_built_in_blocks
    from newsletter.campaigns.event_dates import picker_value, shown_event_date
    from newsletter.campaigns.home import campaign_panel, next_steps_panel
    from newsletter.campaigns.labels import (
        campaign_name,
        campaign_status_label,
        shown_status,
    )

    add_nav_entry(
        app,
        NavEntry(
            _l("Issues"),
            "newsletter.campaigns",
            "campaigns",
            active=("newsletter.campaign",),
            order=20,
        ),
    )
    register_built_in_blocks(app)
    add_home_panel(app, campaign_panel)
    add_home_panel(app, next_steps_panel)
    app.jinja_env.globals["campaign_status_label"] = campaign_status_label
    app.jinja_env.globals["campaign_name"] = campaign_name
    app.jinja_env.globals["shown_status"] = shown_status
    app.jinja_env.globals["picker_value"] = picker_value
    app.jinja_env.globals["shown_event_date"] = shown_event_date
