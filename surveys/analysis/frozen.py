"""A survey's release of one day is counted from what the answers were at the start
of that day. The worker keeps those rows (surveys.analysis.release_rows, as
compressed JSON) once a day; the web reads them and writes nothing. Without them (no
worker run yet today) the release is
counted from the answers as they are, given before the day: an answer changed later
that day would then show at once, the one difference a day's release hides.

Without pandas: the worker that keeps them also sends."""

import json
import zlib
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, select

from core.db import SessionLike, utcnow
from surveys.analysis.release_rows import Rows, release_rows
from surveys.models import FrozenRelease, Survey, SurveyResponse


def freeze_due(session: SessionLike, until: datetime) -> list[int]:
    """Keep today's rows of every survey with answers before `until` and none kept
    yet; returns the surveys' ids. Idempotent; earlier days' rows go."""
    session.execute(delete(FrozenRelease).where(FrozenRelease.until < until))
    session.commit()
    # Every survey with answers, closed ones too: one reopened today would otherwise
    # be counted live until the next run. Kept once a day, whatever is edited later.
    due = session.scalars(
        select(Survey).where(
            exists().where(
                SurveyResponse.survey_id == Survey.id,
                SurveyResponse.created_at < until,
            ),
            ~exists().where(
                FrozenRelease.survey_id == Survey.id, FrozenRelease.until == until
            ),
        )
    ).all()
    for survey in due:
        people, answers = release_rows(session, survey.id)
        session.merge(
            FrozenRelease(
                survey_id=survey.id,
                until=until,
                people=_packed(people),
                answers=_packed(answers),
                made_at=utcnow(),
            )
        )
        session.commit()
    return [survey.id for survey in due]


def frozen_rows(
    session: SessionLike, survey: Survey, until: datetime
) -> tuple[Rows, Rows] | None:
    """The day's kept rows of the survey, None when there are none (an edit of the
    survey later that day changes which of them are shown, not what they are)."""
    kept = session.get(FrozenRelease, (survey.id, until))
    if kept is None:
        return None
    return _unpacked(kept.people), _unpacked(kept.answers)


def _packed(rows: Rows) -> bytes:
    return zlib.compress(json.dumps(rows, default=_iso).encode())


def _unpacked(packed: bytes) -> Rows:
    return [tuple(row) for row in json.loads(zlib.decompress(packed))]


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not kept: {type(value).__name__}")
