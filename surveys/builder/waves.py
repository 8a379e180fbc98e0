"""Survey waves: a survey asked again, as a copy with the same questions and options
and new dates, linked to the wave before (the trends across them:
surveys/analysis/trends.py)."""

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db import SessionLike, utcnow
from surveys.answering.responses import new_public_key
from surveys.models import Option, Question, Survey

YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def a_year_later(when: datetime | None) -> datetime | None:
    """The same moment a year on (28 February for a 29th); None stays None."""
    if when is None:
        return None
    try:
        return when.replace(year=when.year + 1)
    except ValueError:
        return when.replace(year=when.year + 1, day=28)


def next_title(title: str, number: int) -> str:
    """The title of the next wave: a year in it one on ("… 2026" → "… 2027"),
    else the wave's number added, so that no two waves share a title."""
    years = list(YEAR.finditer(title))
    if years:
        last = years[-1]
        return f"{title[: last.start()]}{int(last.group()) + 1}{title[last.end() :]}"
    return f"{title} ({_l('Wave %(n)s', n=number)})"


def new_wave(session: SessionLike, survey: Survey) -> Survey:
    """A copy of the series' newest wave as its next one (the caller commits).
    Its dates are a year after that wave's, when those lie ahead; otherwise it
    has none yet (and, like any survey without dates, takes answers at once)."""
    series = waves_of(session, survey)
    survey = series[-1]
    opens_at, closes_at = a_year_later(survey.opens_at), a_year_later(survey.closes_at)
    if opens_at is None or opens_at <= utcnow():
        opens_at = closes_at = None
    wave = Survey(
        region_id=survey.region_id,
        title={
            language: next_title(text, len(series) + 1)
            for language, text in survey.title.items()
        },
        intro=dict(survey.intro),
        public_key=new_public_key(),
        previous_wave_id=survey.id,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    for question in survey.questions:
        wave.questions.append(
            Question(
                position=question.position,
                kind=question.kind,
                text=dict(question.text),
                required=question.required,
                max_choices=question.max_choices,
                scale_labels=dict(question.scale_labels),
                options=[
                    Option(
                        position=option.position,
                        label=dict(option.label),
                        topic_id=option.topic_id,
                        kind=option.kind,
                        origin_id=option.origin_id or option.id,
                    )
                    for option in question.options
                ],
            )
        )
    session.add(wave)
    session.flush()
    return wave


def waves_of(session: SessionLike, survey: Survey) -> list[Survey]:
    """Every wave of the survey's series, the first first."""
    first = survey
    while first.previous_wave_id is not None:
        earlier = session.get(Survey, first.previous_wave_id)
        if earlier is None:
            break
        first = earlier
    series = [first]
    while True:
        later = session.scalar(
            select(Survey)
            .where(Survey.previous_wave_id == series[-1].id)
            .order_by(Survey.id)
        )
        if later is None or later in series:
            return series
        series.append(later)
