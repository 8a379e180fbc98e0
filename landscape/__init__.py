"""The Kompetenzlandschaft: public profiles of organisations (with their own
consent), matching of needs to offers across the regions, introductions with double
consent, and their figures. Built on newsletter, surveys and core; none of them
imports it."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Routes, navigation, the preference centre's section, export and erasure,
    jobs and demo data."""
    from core.home import add_home_panel
    from core.registry import NavEntry, add_demo_seeder, add_nav_entry
    from core.scheduler import Job, add_job
    from landscape import (  # noqa: F401 - tables and routes
        figures_views,
        introduction_views,
        manager_views,
        models,
        public_views,
        subscriber_views,
    )
    from landscape.block import NEW_PROFILES_BLOCK
    from landscape.blueprint import bp
    from landscape.demo import seed_demo_landscape
    from landscape.figures_views import report_section
    from landscape.home import review_panel
    from landscape.jobs import send_contact_gone, send_follow_ups
    from landscape.labels import (
        answer_label,
        introduction_status_label,
        landscape_consent_label,
        profile_status_label,
        region_name,
    )
    from landscape.privacy import LANDSCAPE
    from landscape.subscriber_views import preference_section
    from newsletter.audience.personal_data import add_personal_data_source
    from newsletter.audience.sections import add_preference_section
    from newsletter.campaigns.blocks import register_block
    from surveys.analysis.report_sections import add_report_section

    app.register_blueprint(bp)
    add_nav_entry(
        app,
        NavEntry(
            _l("Kompetenzlandschaft"),
            "landscape.profiles",
            "subscribers",
            active=("landscape.suggestions",),
            order=35,
        ),
    )
    add_nav_entry(
        app,
        NavEntry(
            _l("Introductions in figures"), "landscape.figures", "analysis", order=45
        ),
    )
    add_home_panel(app, review_panel)
    add_preference_section(app, preference_section)
    add_report_section(app, report_section)
    register_block(app, NEW_PROFILES_BLOCK)
    add_personal_data_source(app, LANDSCAPE)
    add_demo_seeder(app, seed_demo_landscape)
    add_job(app, Job("landscape.send_follow_ups", send_follow_ups, 3600))
    add_job(app, Job("landscape.send_contact_gone", send_contact_gone, 60))
    app.jinja_env.globals.update(
        profile_status_label=profile_status_label,
        landscape_consent_label=landscape_consent_label,
        answer_label=answer_label,
        introduction_status_label=introduction_status_label,
        region_name=region_name,
    )
