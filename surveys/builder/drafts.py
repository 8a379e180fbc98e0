"""Saving what a manager typed into the survey builder, all questions at once: on
every button of the one builder form and on each autosave, so that a typed question
is not lost when "Antwort hinzufügen" or another button is pressed first.

Typed text is always kept; what is not yet valid (an empty German question, an
unlabelled scale end, a closing time before the opening) is named as a problem
instead of throwing the rest away. Services flush; callers commit."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from core.db import SessionLike
from surveys.builder.editing import add_option
from surveys.models import Question, QuestionKind, Survey


@dataclass
class TypedQuestion:
    text: dict[str, str]
    required: bool
    max_choices: int | None
    # Per language (low, high); None for questions without a scale.
    scale_labels: dict[str, tuple[str, str]] | None
    # A new answer typed in the question's last row (German label, English, …).
    new_option: dict[str, str] = field(default_factory=dict)
    new_option_topic: int | None = None
    new_option_kind: str | None = None


@dataclass
class TypedSurvey:
    title: dict[str, str]
    intro: dict[str, str]
    opens_at: datetime | None
    closes_at: datetime | None
    # Question ids in the order the form shows them, and what was typed for each.
    order: list[int] = field(default_factory=list)
    questions: dict[int, TypedQuestion] = field(default_factory=dict)
    # What could not even be read (a date like "morgen"): said, not saved.
    problems: list[str] = field(default_factory=list)


def _set(obj: object, name: str, value: object) -> None:
    # Assign only a real change: every change raises the survey's version.
    if getattr(obj, name) != value:
        setattr(obj, name, value)


def _stripped(texts: dict[str, str]) -> dict[str, str]:
    return {k: v.strip() for k, v in texts.items() if v.strip()}


def _apply_settings(survey: Survey, typed: TypedSurvey) -> list[str]:
    problems = []
    if typed.title.get("de", "").strip():
        _set(survey, "title", _stripped(typed.title))
    else:
        problems.append(str(_l("The German title is required.")))
    _set(survey, "intro", _stripped(typed.intro))
    if typed.opens_at and typed.closes_at and typed.closes_at <= typed.opens_at:
        problems.append(str(_l("The survey must close after it opens.")))
    else:
        _set(survey, "opens_at", typed.opens_at)
        _set(survey, "closes_at", typed.closes_at)
    return problems


def _apply_question(number: int, question: Question, typed: TypedQuestion) -> list[str]:
    problems = []
    _set(question, "text", _stripped(typed.text))
    if not question.text.get("de"):
        problems.append(
            str(_l("Question %(n)s: the German question text is missing.", n=number))
        )
    _set(question, "required", typed.required)
    multiple = question.kind == QuestionKind.MULTIPLE
    _set(question, "max_choices", typed.max_choices if multiple else None)
    if question.scale() and typed.scale_labels is not None:
        ends = {
            language: [low.strip(), high.strip()]
            for language, (low, high) in typed.scale_labels.items()
            if low.strip() or high.strip()
        }
        _set(question, "scale_labels", ends)
        if not all(ends.get("de", ["", ""])):
            problems.append(
                str(
                    _l(
                        "Question %(n)s: please label both ends of the scale in "
                        "German.",
                        n=number,
                    )
                )
            )
    return problems


def apply_typed(session: SessionLike, survey: Survey, typed: TypedSurvey) -> list[str]:
    """Keep everything typed; return what still needs fixing. Questions the form
    did not show (added meanwhile elsewhere) keep their place at the end."""
    problems = typed.problems + _apply_settings(survey, typed)
    by_id = {question.id: question for question in survey.questions}
    ordered = [by_id.pop(qid) for qid in typed.order if qid in by_id]
    questions = [*ordered, *sorted(by_id.values(), key=lambda q: q.position)]
    for position, question in enumerate(questions):
        _set(question, "position", position)
        entry = typed.questions.get(question.id)
        if entry is None:
            continue
        problems += _apply_question(position + 1, question, entry)
        if entry.new_option.get("de", "").strip():
            add_option(
                session,
                question,
                entry.new_option,
                entry.new_option_topic,
                entry.new_option_kind,
            )
    survey.questions.sort(key=lambda q: q.position)
    session.flush()
    return problems
