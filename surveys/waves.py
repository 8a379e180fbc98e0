"""Survey waves: a survey asked again, as a copy with the same questions and options
and new dates, linked to the wave before; and the first question's shares across the
waves, from each wave's own published (suppressed) table and nothing else."""

from dataclasses import dataclass

from sqlalchemy import select

from core.db import SessionLike
from surveys.answering import new_public_key
from surveys.models import Option, Question, QuestionKind, Survey


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


@dataclass(frozen=True)
class TrendRow:
    label: str
    group: str
    shares: list[float | None]  # per wave; None where the wave's table hides it


def first_question_trend(
    session: SessionLike, waves: list[Survey], min_cell: int, language: str
) -> list[TrendRow]:
    """Per option of the first question and group: its share in each wave, as each
    wave's dashboard publishes it without filters (a hidden cell stays hidden)."""
    # Imported here: the app (and its senders) load pandas only to analyse.
    from surveys.release_cells import TOTAL

    tables = [_first_question_shares(session, wave, min_cell) for wave in waves]
    first = waves[-1].questions[0] if waves[-1].questions else None
    if first is None or first.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return []
    groups = sorted({g for table in tables for g in table}, key=lambda g: g == TOTAL)
    return [
        TrendRow(
            option.label_for(language),
            group,
            [
                table.get(group, {}).get(option.origin_id or option.id)
                for table in tables
            ],
        )
        for group in groups
        for option in first.options
    ]


def _first_question_shares(
    session: SessionLike, wave: Survey, min_cell: int
) -> dict[str, dict[int, float | None]]:
    """group → origin option id → published share of the wave's first question."""
    import pandas as pd

    from surveys import release_tables
    from surveys.release import release_of

    if not wave.questions:
        return {}
    first = wave.questions[0]
    release = release_of(session, wave, min_cell)
    everything = release_tables.shares(release, release.view({}))
    table = everything[everything["question_id"] == first.id]
    origins = {o.id: o.origin_id or o.id for o in first.options}
    shares: dict[str, dict[int, float | None]] = {}
    for row in table.itertuples():
        share = None if row.suppressed or pd.isna(row.share) else float(row.share)
        shares.setdefault(str(row.group), {})[origins[int(row.option_id)]] = share
    return shares
