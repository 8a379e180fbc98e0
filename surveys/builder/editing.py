"""Building surveys: settings, questions in German and English, options with a stable
id, a topic and a kind (need or offer). Services flush; callers commit."""

from flask_babel import lazy_gettext as _l

from core.db import SessionLike
from surveys.answering.responses import new_public_key
from surveys.models import Option, OptionKind, Question, QuestionKind, Survey

# The ends of a new scale question, until the manager labels them otherwise.
DEFAULT_SCALE_LABELS: dict[str, dict[str, list[str]]] = {
    QuestionKind.LIKERT: {
        "de": ["trifft gar nicht zu", "trifft voll zu"],
        "en": ["strongly disagree", "strongly agree"],
    },
    QuestionKind.NPS: {
        "de": ["unwahrscheinlich", "sehr wahrscheinlich"],
        "en": ["not likely", "very likely"],
    },
}


def default_scale_labels(kind: str) -> dict[str, list[str]]:
    """A fresh copy: the question may change its own."""
    return {
        lang: list(ends) for lang, ends in DEFAULT_SCALE_LABELS.get(kind, {}).items()
    }


class BuilderError(Exception):
    """A user-facing problem when building a survey."""


def create_survey(session: SessionLike, title: str, region_id: int | None) -> Survey:
    if not title.strip():
        raise BuilderError(str(_l("Please give the survey a title.")))
    survey = Survey(
        title={"de": title.strip()}, region_id=region_id, public_key=new_public_key()
    )
    session.add(survey)
    session.flush()
    return survey


def add_question(session: SessionLike, survey: Survey, kind: str) -> Question:
    if kind not in set(QuestionKind):
        raise BuilderError(str(_l("Unknown type of question.")))
    question = Question(
        kind=kind,
        position=len(survey.questions),
        text={"de": ""},
        scale_labels=default_scale_labels(kind),
    )
    survey.questions.append(question)
    session.flush()
    return question


def update_question(
    question: Question,
    text: dict[str, str],
    required: bool,
    max_choices: int | None,
    scale_labels: dict[str, tuple[str, str]] | None = None,
) -> None:
    """Save a question's texts and rules; scale questions also take the labels of
    their two ends per language (German required, English optional)."""
    if not text.get("de", "").strip():
        raise BuilderError(str(_l("The German question text is required.")))
    if question.scale() and scale_labels is not None:
        question.scale_labels = _scale_labels(scale_labels)
    question.text = {k: v.strip() for k, v in text.items() if v.strip()}
    question.required = required
    question.max_choices = (
        max_choices if question.kind == QuestionKind.MULTIPLE else None
    )


def _scale_labels(labels: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    ends = {
        language: [low.strip(), high.strip()]
        for language, (low, high) in labels.items()
        if low.strip() or high.strip()
    }
    if not all(ends.get("de", ["", ""])):
        raise BuilderError(str(_l("Please label both ends of the scale in German.")))
    return ends


def move_question(survey: Survey, question: Question, step: int) -> None:
    questions = list(survey.questions)
    index = questions.index(question)
    target = max(0, min(len(questions) - 1, index + step))
    questions.insert(target, questions.pop(index))
    for position, item in enumerate(questions):
        item.position = position


def add_option(
    session: SessionLike,
    question: Question,
    label: dict[str, str],
    topic_id: int | None,
    kind: str | None,
) -> Option:
    if question.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        raise BuilderError(str(_l("Only choice questions have options.")))
    if not label.get("de", "").strip():
        raise BuilderError(str(_l("The German label of the option is required.")))
    option = Option(
        label={k: v.strip() for k, v in label.items() if v.strip()},
        topic_id=topic_id,
        kind=kind if kind in set(OptionKind) else None,
        position=len(question.options),
    )
    question.options.append(option)
    session.flush()
    return option
