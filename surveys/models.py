"""Surveys, their questions and options, and the responses (one per subscriber)."""

import enum
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    true,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.db import Model, UTCDateTime, utcnow
from core.models import Region


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    LIKERT = "likert"
    NPS = "nps"
    TEXT = "text"


class OptionKind(enum.StrEnum):
    NEED = "need"
    OFFER = "offer"


def open_between(
    opens_at: datetime | None, closes_at: datetime | None, now: datetime | None = None
) -> bool:
    """Whether a survey with these times takes answers now."""
    now = now or utcnow()
    started = opens_at is None or opens_at <= now
    return started and (closes_at is None or now < closes_at)


def scale_of(kind: str) -> list[int]:
    """The values a question of this kind allows (empty for choices and text)."""
    if kind == QuestionKind.LIKERT:
        return [1, 2, 3, 4, 5]
    if kind == QuestionKind.NPS:
        return list(range(11))
    return []


def translated(value: dict | None, language: str) -> str:
    """The text in the language, else German."""
    value = value or {}
    return str(value.get(language) or value.get("de") or "")


class Survey(Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    intro: Mapped[dict] = mapped_column(JSON, default=dict)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The secret part of the public link for people who are not subscribed.
    public_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # One up with every change to the survey, its questions or options (see
    # count_changes): saving an answer keeps the questions it checks against by it.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The wave this survey repeats (a copy with the same questions, new dates).
    previous_wave_id: Mapped[int | None] = mapped_column(
        ForeignKey("surveys.id", ondelete="SET NULL"), index=True
    )

    region: Mapped[Region | None] = relationship()
    questions: Mapped[list["Question"]] = relationship(
        back_populates="survey",
        order_by="Question.position",
        cascade="all, delete-orphan",
    )

    def is_open(self, now: datetime | None = None) -> bool:
        return open_between(self.opens_at, self.closes_at, now)

    def not_begun(self, now: datetime | None = None) -> bool:
        return self.opens_at is not None and (now or utcnow()) < self.opens_at

    def links_expired(self, days_after_close: int, now: datetime | None = None) -> bool:
        """Personal links end some days after the survey closes: until then they show
        the person's own answers, afterwards nothing."""
        if self.closes_at is None:
            return False
        return (now or utcnow()) >= self.closes_at + timedelta(days=days_after_close)

    def title_for(self, language: str) -> str:
        return translated(self.title, language)


class Question(Model):
    __tablename__ = "questions"
    # Every answer reads its survey's questions in order (and their options).
    __table_args__ = (
        Index("ix_questions_survey_id_position", "survey_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[dict] = mapped_column(JSON, default=dict)
    required: Mapped[bool] = mapped_column(default=False)
    max_choices: Mapped[int | None]
    # Likert: labels of both ends, per language {"de": ["gar nicht", "sehr"], …}
    scale_labels: Mapped[dict] = mapped_column(JSON, default=dict)

    survey: Mapped[Survey] = relationship(back_populates="questions")
    options: Mapped[list["Option"]] = relationship(
        back_populates="question",
        order_by="Option.position",
        cascade="all, delete-orphan",
    )

    def text_for(self, language: str) -> str:
        return translated(self.text, language)

    def scale(self) -> list[int]:
        return scale_of(self.kind)


class Option(Model):
    """A choice with a stable id: analyses count ids, never labels."""

    __tablename__ = "options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[dict] = mapped_column(JSON, default=dict)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    kind: Mapped[str | None] = mapped_column(String(10))  # need, offer or none
    # The option of the first wave this one continues: trends follow it, not labels.
    origin_id: Mapped[int | None] = mapped_column(
        ForeignKey("options.id", ondelete="SET NULL")
    )

    question: Mapped[Question] = relationship(back_populates="options")

    def label_for(self, language: str) -> str:
        return translated(self.label, language)


class SurveyResponse(Model):
    """One per subscriber and survey (changeable until it closes), or anonymous from
    the public link. The snapshot keeps coarse attributes as they were when answering,
    so the answer stays when the person is erased."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("survey_id", "subscriber_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    subscriber_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscribers.id", ondelete="SET NULL"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    source: Mapped[str] = mapped_column(String(10), default="mail")  # mail, public
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    org_type: Mapped[str | None] = mapped_column(String(20))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    sector: Mapped[str] = mapped_column(String(80), default="")
    size: Mapped[str] = mapped_column(String(20), default="")
    # "Kontaktwunsch": may a manager put this person in touch (by name)?
    contact_consent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(Model):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("options.id", ondelete="CASCADE")
    )
    value: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")


class Click(Model):
    """An unverified click on an answer button in a mail: counted, not tied to anyone
    (scanners click too; no personal click tracking without consent)."""

    __tablename__ = "survey_clicks"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("options.id", ondelete="CASCADE")
    )
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(Session, "before_flush")
def count_changes(session: Session, _context: object, _instances: object) -> None:
    """Whatever changes in a survey (a question added, moved or removed, an option
    edited) raises its version, in the same transaction as the change. Surveys and
    their questions change through the ORM only, so nothing gets past this."""
    changed = {*session.new, *session.dirty, *session.deleted}
    surveys = {
        survey.id: survey
        for obj in changed
        if (survey := _survey_of(session, obj)) is not None
        and survey.id is not None  # a new survey starts at 1
        and survey not in session.deleted
    }
    for survey in surveys.values():
        survey.version = Survey.version + 1


def _survey_of(session: Session, obj: object) -> Survey | None:
    if isinstance(obj, Option):
        obj = obj.question or session.get(Question, obj.question_id)
    if isinstance(obj, Question):
        return obj.survey or session.get(Survey, obj.survey_id)
    return obj if isinstance(obj, Survey) else None


class ReminderPlan(Model):
    """How a survey reminds the people who got it in an issue and have not answered:
    up to `steps` reminders, each `interval_days` after the issue or the reminder
    before it, with this text (German required) above the first question."""

    __tablename__ = "reminder_plans"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    steps: Mapped[int] = mapped_column(default=2)
    interval_days: Mapped[int] = mapped_column(default=7)
    subject: Mapped[dict] = mapped_column(JSON, default=dict)  # {"de": …, "en": …}
    body: Mapped[dict] = mapped_column(JSON, default=dict)
    # Off while its checklist finds an error (an unknown placeholder): saved so
    # that nothing typed is lost, but no step starts.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )


class SurveyReminder(Model):
    """One step of a plan that went out: its campaign (kind reminder). Unique per
    survey and step, so whoever starts a step first starts it, and only once."""

    __tablename__ = "survey_reminders"
    __table_args__ = (UniqueConstraint("survey_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[int]
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FrozenRelease(Model):
    """What a survey's release of one day is counted from, kept as it was at the
    start of that day (surveys.analysis.frozen): an answer changed later that day
    changes none of the day's figures."""

    __tablename__ = "frozen_releases"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    until: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    people: Mapped[bytes] = mapped_column(LargeBinary)  # Parquet
    answers: Mapped[bytes] = mapped_column(LargeBinary)  # Parquet
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
