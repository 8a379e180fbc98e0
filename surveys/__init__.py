"""Surveys on needs and offers, answered from inside the newsletter; analyses.

Four rooms whose arrows point down — `analysis` (release, audit, report, trends,
downloads) and `reminders` → `builder` (surveys, questions, waves) → `answering`
(links, answer pages, responses) — beside what the whole package shares: `models`,
`blueprint`, `labels`, `home`, `demo`, `jobs` and `init_app` here."""

from dataclasses import replace

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Register the survey pages, the newsletter block and the per-recipient links."""
    from core.home import add_home_panel
    from core.registry import NavEntry, add_demo_seeder, add_nav_entry
    from core.scheduler import Job, add_job
    from newsletter.audience.personal_data import add_personal_data_source
    from newsletter.campaigns.audiences import add_audience
    from newsletter.campaigns.blocks import register_block
    from newsletter.campaigns.rendering import add_personaliser
    from newsletter.sending.results import add_results_section
    from surveys import models  # noqa: F401 - the tables
    from surveys.analysis import needs_report_views, views  # noqa: F401 - routes
    from surveys.analysis.results_block import RESULTS_BLOCK
    from surveys.answering import views as answer_views  # noqa: F401 - routes
    from surveys.answering.campaign_results import survey_results_section
    from surveys.answering.privacy import RESPONSES
    from surveys.answering.question_block import SURVEY_BLOCK, survey_links
    from surveys.blueprint import bp
    from surveys.builder import views as builder_views  # noqa: F401 - routes
    from surveys.builder import wave_views  # noqa: F401 - routes
    from surveys.demo import seed_demo_survey
    from surveys.home import survey_panel
    from surveys.jobs import freeze_releases, start_reminders
    from surveys.reminders import views as reminder_views  # noqa: F401 - routes
    from surveys.reminders.facts import explain_reminder
    from surveys.reminders.plans import REMINDER_AUDIENCE

    app.register_blueprint(bp)
    add_nav_entry(
        app,
        NavEntry(
            _l("Surveys"),
            "surveys.surveys",
            "surveys",
            active=("surveys.survey", "surveys.topics"),
            order=30,
        ),
    )
    add_nav_entry(
        app,
        NavEntry(
            _l("Analysis"),
            "surveys.analysis_index",
            "analysis",
            active=("surveys.analysis", "surveys.dashboard"),
            order=40,
        ),
    )
    register_block(app, SURVEY_BLOCK)
    register_block(app, RESULTS_BLOCK)
    add_personaliser(app, survey_links)
    # The facts read the reminders module, so they join its audience here.
    add_audience(app, replace(REMINDER_AUDIENCE, explain=explain_reminder))
    add_job(app, Job("surveys.start_reminders", start_reminders, 30))
    # Every few minutes: after midnight, the first run keeps the day's inputs.
    add_job(app, Job("surveys.freeze_releases", freeze_releases, 300))
    add_home_panel(app, survey_panel)
    add_results_section(app, survey_results_section)
    add_demo_seeder(app, seed_demo_survey)
    add_personal_data_source(app, RESPONSES)
    from surveys.answering.forms import MAX_TEXT
    from surveys.labels import option_kind_label, question_kind_label

    app.jinja_env.globals.update(
        question_kind_label=question_kind_label,
        option_kind_label=option_kind_label,
        free_text_limit=MAX_TEXT,
    )
