"""The rows a survey's release is counted from, straight from the database driver
and without pandas: the worker keeps them once a day (surveys.analysis.frozen), and
a process that sends must not load the analysis libraries."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.db import SessionLike
from core.models import District, Region
from surveys.models import Answer, SurveyResponse

FILTERS = ("org_type", "district", "sector", "size", "campaign_id")
PEOPLE_COLUMNS = ["response_id", "group", *FILTERS, "answered_at", "created_at"]
ANSWER_COLUMNS = ["response_id", "question_id", "option_id", "value"]

Rows = list[tuple[Any, ...]]
RELEASE_ZONE = ZoneInfo("Europe/Berlin")


def release_point(now: datetime) -> datetime:
    """Up to when answers are in the release made at `now`: the start of the day."""
    local = now.astimezone(RELEASE_ZONE)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def release_rows(session: SessionLike, survey_id: int) -> tuple[Rows, Rows]:
    """(people, answers): one row per response (PEOPLE_COLUMNS) and one per answer
    that is not free text (ANSWER_COLUMNS)."""
    answers = _fetched(
        session,
        select(Answer.response_id, Answer.question_id, Answer.option_id, Answer.value)
        .join(SurveyResponse, SurveyResponse.id == Answer.response_id)
        .where(SurveyResponse.survey_id == survey_id, Answer.text.is_(None)),
    )
    people = _fetched(
        session,
        select(
            SurveyResponse.id,
            Region.name,
            SurveyResponse.org_type,
            District.name,
            SurveyResponse.sector,
            SurveyResponse.size,
            SurveyResponse.campaign_id,
            SurveyResponse.updated_at,
            SurveyResponse.created_at,
        )
        .outerjoin(Region, Region.id == SurveyResponse.region_id)
        .outerjoin(District, District.id == SurveyResponse.district_id)
        .where(SurveyResponse.survey_id == survey_id),
    )
    return people, answers


def _fetched(session: SessionLike, statement: Any) -> Rows:
    """The statement's rows straight from the database driver: SQLAlchemy's rows
    (and pandas inspecting each as a named tuple) cost seconds at 100,000
    respondents. The statement holds only ids and column names of ours."""
    connection = session.connection()
    sql = str(
        statement.compile(
            dialect=connection.dialect, compile_kwargs={"literal_binds": True}
        )
    )
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()
