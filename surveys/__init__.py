"""Surveys on needs and offers, answered from inside the newsletter; analyses."""

from flask import Blueprint, Flask

bp = Blueprint("surveys", __name__)


def init_app(app: Flask) -> None:
    """Register the survey pages, the newsletter block and the per-recipient links."""
    from core.home import add_home_panel
    from newsletter.blocks import register_block
    from newsletter.rendering import add_personaliser
    from surveys import (  # noqa: F401 - tables and routes
        analysis_views,
        builder_views,
        models,
        views,
    )
    from surveys.block import SURVEY_BLOCK, survey_links
    from surveys.demo import seed_demo_survey
    from surveys.home import survey_panel
    from surveys.results_block import RESULTS_BLOCK

    app.register_blueprint(bp)
    register_block(app, SURVEY_BLOCK)
    register_block(app, RESULTS_BLOCK)
    add_personaliser(app, survey_links)
    add_home_panel(app, survey_panel)
    app.extensions.setdefault("demo_seeders", []).append(seed_demo_survey)
    from surveys.labels import option_kind_label, question_kind_label

    app.jinja_env.globals.update(
        question_kind_label=question_kind_label, option_kind_label=option_kind_label
    )
