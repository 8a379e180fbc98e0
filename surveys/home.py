"""The home page panel: the latest survey and how many answered."""

from sqlalchemy import func, select

from core.db import db
from core.home import Panel
from core.models import User
from core.policy import allowed, visible_region_ids
from surveys.models import Survey, SurveyResponse


def survey_panel(user: User) -> Panel | None:
    if not allowed(user, "analysis"):
        return None
    regions = visible_region_ids(user)
    query = select(Survey).order_by(Survey.created_at.desc())
    if regions is not None:
        query = query.where(Survey.region_id.in_(regions) | Survey.region_id.is_(None))
    latest = db.session.scalar(query)
    answers = 0
    if latest is not None:
        answers = (
            db.session.scalar(
                select(func.count())
                .select_from(SurveyResponse)
                .where(SurveyResponse.survey_id == latest.id)
            )
            or 0
        )
    return Panel(
        "surveys/_home_panel.html", {"survey": latest, "answers": answers}, order=30
    )
