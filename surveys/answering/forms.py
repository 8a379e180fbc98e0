"""Reading answers from a submitted survey page: each question's value, checked
against its kind and options, with a message per question a person can act on."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import format_number
from flask_babel import lazy_gettext as _l

from surveys.models import Question, QuestionKind, SurveyResponse, scale_of

MAX_TEXT = 2000


class AnswerError(Exception):
    """Answers that cannot be saved; `problems` maps question ids to messages."""

    def __init__(self, problems: dict[int, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class QuestionShape:
    """What checking and saving an answer needs of a question: no texts."""

    id: int
    kind: str
    required: bool
    max_choices: int | None
    options: frozenset[int]

    @classmethod
    def of(cls, question: Question) -> "QuestionShape":
        return cls(
            question.id,
            question.kind,
            question.required,
            question.max_choices,
            frozenset(o.id for o in question.options),
        )


def parse_answers(questions: Sequence[QuestionShape], form: Any) -> dict[int, Any]:
    """Read and check the answers to these questions from form data."""
    answers: dict[int, Any] = {}
    problems: dict[int, str] = {}
    for question in questions:
        value, problem = _read_answer(question, form)
        if value is None and question.required and problem is None:
            problem = str(_l("Please answer this question."))
        if problem is not None:
            problems[question.id] = problem
        answers[question.id] = value
    if problems:
        raise AnswerError(problems)
    return answers


def _read_answer(question: QuestionShape, form: Any) -> tuple[Any, str | None]:
    """One question's value from the form (None: not answered) and its problem."""
    key = f"q{question.id}"
    if question.kind == QuestionKind.MULTIPLE:
        return _read_choices(question, form.getlist(key))
    if question.kind == QuestionKind.TEXT:
        return _read_text(form.get(key) or "")
    given = form.getlist(key)
    if len(given) > 1:  # one answer to a question that takes one
        return None, str(_l("Please choose one of the given answers."))
    raw = given[0] if given else ""
    number = int(raw) if raw.isdigit() else None
    allowed = (
        question.options
        if question.kind == QuestionKind.SINGLE
        else set(scale_of(question.kind))
    )
    if number in allowed:
        return number, None
    if raw:
        return None, str(_l("Please choose one of the given answers."))
    return None, None


def _read_text(raw: str) -> tuple[str | None, str | None]:
    # Browsers send each line break as CR LF but count it as one character
    # against the field's maxlength: counted the same way, a full field fits.
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_TEXT:
        message = _l(
            "Please shorten your answer to at most %(limit)s characters "
            "(it now has %(count)s).",
            limit=format_number(MAX_TEXT),
            count=format_number(len(text)),
        )
        return None, str(message)
    return text or None, None


def _read_choices(
    question: QuestionShape, raw: list[str]
) -> tuple[list[int] | None, str | None]:
    given = [v for v in raw if v]
    chosen = [int(v) for v in given if v.isdigit() and int(v) in question.options]
    if len(set(chosen)) < len(given):  # never offered, or twice (a crafted form)
        return None, str(_l("Please choose one of the given answers."))
    if question.max_choices and len(chosen) > question.max_choices:
        message = str(_l("Please choose at most %(n)s.", n=question.max_choices))
        return chosen or None, message
    return chosen or None, None


def current_values(response: SurveyResponse | None) -> dict[int, Any]:
    """question id → what this response answered (for preselection and review)."""
    values: dict[int, Any] = {}
    for answer in response.answers if response else []:
        if answer.option_id is not None:
            values.setdefault(answer.question_id, []).append(answer.option_id)
        elif answer.value is not None:
            values[answer.question_id] = answer.value
        else:
            values[answer.question_id] = answer.text
    return values
