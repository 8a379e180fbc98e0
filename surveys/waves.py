"""Survey waves: a survey asked again, as a copy with the same questions and options
and new dates, linked to the wave before (the trends across them: surveys/trends.py)."""

from sqlalchemy import select

from core.db import SessionLike
from surveys.answering import new_public_key
from surveys.models import Option, Question, Survey


def new_wave(session: SessionLike, survey: Survey) -> Survey:
    """A copy of the survey as its next wave, without dates (the caller commits)."""
    wave = Survey(
        region_id=survey.region_id,
        title=dict(survey.title),
        intro=dict(survey.intro),
        public_key=new_public_key(),
        previous_wave_id=survey.id,
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
