"""The home page panel: the latest survey and how many answered."""

from sqlalchemy import ColumnElement, and_, func, or_, select

from core.db import db, utcnow
from core.home import Panel
from core.models import User
from core.policy import acting_for, allowed, reads_answers_of, visible_region_ids
from surveys.models import Survey, SurveyResponse


def survey_panel(user: User) -> Panel | None:
    if not allowed(user, "analysis"):
        return None
    regions = visible_region_ids(user)
    query = select(Survey).order_by(Survey.created_at.desc())
    if regions is not None:
        query = query.where(Survey.region_id.in_(regions) | Survey.region_id.is_(None))
    # The open survey first: it is the one a manager works on.
    latest = db.session.scalar(query.where(open_now())) or db.session.scalar(query)
    answers = None
    # The raw count only for those who read the answers themselves: beside an
    # analyst's release it would give away the groups the release leaves out.
    if latest is not None and reads_answers_of(user, latest.region_id):
        answers = (
            db.session.scalar(
                select(func.count())
                .select_from(SurveyResponse)
                .where(SurveyResponse.survey_id == latest.id)
            )
            or 0
        )
    # Shown to a manager of another controller (an interregional survey to a
    # region's manager), who may not edit it.
    editable = (
        latest is not None
        and allowed(user, "surveys")
        and acting_for(user, latest.region_id)
    )
    return Panel(
        "surveys/_home_panel.html",
        {"survey": latest, "answers": answers, "editable": editable},
        order=30,
    )


def open_now() -> ColumnElement[bool]:
    now = utcnow()
    return and_(
        or_(Survey.opens_at.is_(None), Survey.opens_at <= now),
        or_(Survey.closes_at.is_(None), Survey.closes_at > now),
    )
