"""An issue's results page, for the managers of its region."""

from flask import current_app, render_template

from core.db import db
from core.policy import requires
from newsletter.blueprint import bp
from newsletter.campaigns.views import get_campaign
from newsletter.sending.results import (
    compared_issues,
    link_figures,
    outcome,
    results_sections,
)


@bp.route("/campaigns/<int:campaign_id>/results")
@requires("campaigns")
def campaign_results(campaign_id: int) -> str:
    campaign = get_campaign(campaign_id)
    return render_template(
        "newsletter/campaign_results.html",
        campaign=campaign,
        language="de",
        outcome=outcome(db.session, campaign.id),
        links=link_figures(db.session, campaign.id),
        issues=compared_issues(db.session, campaign),
        sections=results_sections(campaign),
        repeat_seconds=current_app.config["CLICK_REPEAT_SECONDS"],
    )
