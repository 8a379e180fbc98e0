"""Answering a survey: signed per-recipient links, one response per subscriber and
survey (the last answer wins until it closes), anonymous answers from the public link.
Only a POST saves; a GET shows."""

import secrets
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from core.db import SessionLike, utcnow
from newsletter.models import Subscriber
from newsletter.tokens import LinkError, make_token, read_token
from surveys.models import Answer, Click, Question, QuestionKind, Response, Survey

MAX_TEXT = 2000


class AnswerError(Exception):
    """Answers that cannot be saved; `problems` maps question ids to messages."""

    def __init__(self, problems: dict[int, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class Invitation:
    subscriber_id: int
    survey_id: int
    campaign_id: int | None


def answer_token(subscriber_id: int, survey_id: int, campaign_id: int | None) -> str:
    """The secret of one recipient's link to one survey (HMAC-SHA1: 160 bits)."""
    return make_token("survey", {"s": subscriber_id, "v": survey_id, "c": campaign_id})


def read_answer_token(token: str, survey_id: int) -> Invitation:
    """Whose link this is; LinkError for a forged one or one of another survey."""
    payload = read_token("survey", token)
    if payload.get("v") != survey_id or not isinstance(payload.get("s"), int):
        raise LinkError(expired=False)
    return Invitation(payload["s"], survey_id, payload.get("c"))


def new_public_key() -> str:
    return secrets.token_urlsafe(24)


def log_click(
    session: SessionLike, survey: Survey, option_id: int | None, campaign_id: int | None
) -> None:
    """Count an unverified click (mail scanners click too): not tied to anyone."""
    valid = {o.id for q in survey.questions[:1] for o in q.options}
    session.add(
        Click(
            survey_id=survey.id,
            campaign_id=campaign_id,
            option_id=option_id if option_id in valid else None,
        )
    )


def response_of(
    session: SessionLike, survey: Survey, subscriber_id: int
) -> Response | None:
    return session.scalar(
        select(Response).where(
            Response.survey_id == survey.id, Response.subscriber_id == subscriber_id
        )
    )


def parse_answers(questions: list[Question], form: Any) -> dict[int, Any]:
    """Read and check the answers to these questions from form data."""
    answers: dict[int, Any] = {}
    problems: dict[int, str] = {}
    for question in questions:
        key = f"q{question.id}"
        options = {o.id for o in question.options}
        if question.kind == QuestionKind.MULTIPLE:
            chosen = [
                int(v) for v in form.getlist(key) if v.isdigit() and int(v) in options
            ]
            if question.max_choices and len(chosen) > question.max_choices:
                problems[question.id] = str(
                    _l("Please choose at most %(n)s.", n=question.max_choices)
                )
            value: Any = chosen or None
        elif question.kind == QuestionKind.TEXT:
            value = (form.get(key) or "").strip()[:MAX_TEXT] or None
        else:
            raw = form.get(key, "")
            number = int(raw) if raw.isdigit() else None
            allowed = (
                options
                if question.kind == QuestionKind.SINGLE
                else set(question.scale())
            )
            if raw and number not in allowed:
                problems[question.id] = str(
                    _l("Please choose one of the given answers.")
                )
            value = number if number in allowed else None
        if value is None and question.required and question.id not in problems:
            problems[question.id] = str(_l("Please answer this question."))
        answers[question.id] = value
    if problems:
        raise AnswerError(problems)
    return answers


def snapshot(response: Response, subscriber: Subscriber) -> None:
    """Coarse attributes as they are now: what analyses may group by."""
    response.region_id = subscriber.region_id
    response.org_type = subscriber.org_type
    response.district_id = subscriber.district_id
    response.sector = subscriber.sector
    response.size = subscriber.size


def save_answers(
    session: SessionLike,
    survey: Survey,
    response: Response,
    questions: list[Question],
    answers: dict[int, Any],
) -> None:
    """Replace the response's answers to these questions (the last answer wins)."""
    if not survey.is_open():
        raise AnswerError({0: str(_l("This survey is closed."))})
    asked = {q.id: q for q in questions}
    response.updated_at = utcnow()
    if response.id is None:
        session.add(response)
        session.flush()
    else:
        # Replace without loading the old answers: one DELETE, then the inserts.
        session.execute(
            delete(Answer).where(
                Answer.response_id == response.id, Answer.question_id.in_(asked)
            )
        )
    rows: list[dict[str, Any]] = []
    for question_id, value in answers.items():
        if value is None:
            continue
        kind = asked[question_id].kind
        if kind == QuestionKind.MULTIPLE:
            rows.extend({"question_id": question_id, "option_id": o} for o in value)
        elif kind == QuestionKind.SINGLE:
            rows.append({"question_id": question_id, "option_id": value})
        elif kind == QuestionKind.TEXT:
            rows.append({"question_id": question_id, "text": value})
        else:
            rows.append({"question_id": question_id, "value": value})
    session.add_all(Answer(response_id=response.id, **row) for row in rows)
    session.flush()
    session.expire(response, ["answers"])


def subscriber_response(
    session: SessionLike,
    survey: Survey,
    invitation: Invitation,
    response: Response | None,
) -> Response:
    """The subscriber's response (as found before), created on the first save, with a
    fresh snapshot."""
    subscriber = session.get(Subscriber, invitation.subscriber_id)
    if subscriber is None or subscriber.email is None:
        raise LinkError(expired=False)
    if response is None:
        response = Response(
            survey_id=survey.id,
            subscriber_id=subscriber.id,
            campaign_id=invitation.campaign_id,
            source="mail",
        )
        session.add(response)
    snapshot(response, subscriber)
    return response


def current_values(response: Response | None) -> dict[int, Any]:
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
