"""Answering a survey: signed per-recipient links, one response per subscriber and
survey (the last answer wins until it closes), anonymous answers from the public link.
Only a POST saves; a GET shows."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.db import SessionLike, utcnow
from core.direct_sql import PreparedStatement, Statements
from newsletter.audience.tokens import LinkError, make_token, read_token, same_key
from newsletter.campaigns.rendering import Recipient
from surveys.answering.forms import QuestionShape
from surveys.answering.statements import (
    DELETE_ANSWERS,
    INSERT_ANSWERS,
    INSERT_HER_RESPONSE,
    INSERT_HER_RESPONSE_WITH_ANSWERS,
    INSERT_LATER_ANSWERS,
    INSERT_LATER_ANSWERS_AT_ONCE,
    INSERT_RESPONSE,
    INSERT_RESPONSE_WITH_ANSWERS,
    QUESTIONS_OF,
    RESPONDENT,
    SNAPSHOT,
    UPDATE_RESPONSE,
)
from surveys.models import (
    Click,
    QuestionKind,
    Survey,
    SurveyResponse,
    open_between,
)


@dataclass(frozen=True)
class Invitation:
    subscriber_id: int
    survey_id: int
    campaign_id: int | None
    link_key: str


def answer_token(recipient: Recipient, survey_id: int, campaign_id: int | None) -> str:
    """The secret of one recipient's link to one survey (HMAC-SHA1: 160 bits). It
    carries the person's link key, so "invalidate all my links" reaches it too."""
    return make_token(
        "survey",
        {
            "s": recipient.subscriber_id,
            "v": survey_id,
            "c": campaign_id,
            "k": recipient.link_key,
        },
    )


def read_answer_token(token: str, survey_id: int) -> Invitation:
    """Whose link this is; LinkError for a forged one, one of another survey or
    one without a link key (signed before links carried one)."""
    payload = read_token("survey", token)
    subscriber_id, key = payload.get("s"), payload.get("k")
    if payload.get("v") != survey_id or not isinstance(subscriber_id, int):
        raise LinkError(expired=False)
    if not isinstance(key, str) or not key:
        raise LinkError(expired=False)
    return Invitation(subscriber_id, survey_id, payload.get("c"), key)


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
) -> SurveyResponse | None:
    return session.scalar(
        select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id,
            SurveyResponse.subscriber_id == subscriber_id,
        )
    )


@dataclass(frozen=True)
class Respondent:
    """A subscriber as a survey sees them: open or not, their response so far, the
    coarse attributes that go into the response's snapshot, and the questions."""

    survey_open: bool
    response_id: int | None
    snapshot: dict[str, Any]
    questions: list[QuestionShape]


def respondent(direct: Statements, invitation: Invitation) -> Respondent | None:
    """None when the survey is gone; LinkError when the person was erased or the
    link's key is no longer hers."""
    rows = direct.rows(
        RESPONDENT,
        {"survey_id": invitation.survey_id, "subscriber_id": invitation.subscriber_id},
    )
    if not rows:
        return None
    opens_at, closes_at, public_key, version, email, key, response_id, *rest = rows[0]
    if email is None or not same_key(invitation.link_key, key or ""):
        raise LinkError(expired=False)  # erased, or the person invalidated her links
    return Respondent(
        open_between(opens_at, closes_at),
        response_id,
        dict(zip(SNAPSHOT, rest, strict=True)),
        _questions(direct, invitation.survey_id, (public_key, version)),
    )


# (public key, version) → the questions: a version names one state of a survey's
# questions (its public key tells a survey from one with the same id in a database
# made afresh). Kept per process; a few surveys are open at a time.
_QUESTIONS: dict[tuple[str, int], list[QuestionShape]] = {}
KEPT_SURVEYS = 64


def _questions(
    direct: Statements, survey_id: int, key: tuple[str, int]
) -> list[QuestionShape]:
    shapes = _QUESTIONS.get(key)
    if shapes is None:
        rows = direct.rows(QUESTIONS_OF, {"survey_id": survey_id})
        shapes = _shapes([row[1:] for row in rows if row[1] is not None])
        if len(_QUESTIONS) >= KEPT_SURVEYS:
            _QUESTIONS.clear()
        # Under the version read with them: a change in between is a later version.
        _QUESTIONS[(key[0], rows[0][0])] = shapes
    return shapes


def _shapes(rows: list[Any]) -> list[QuestionShape]:
    """Questions in order from (question, kind, required, limit, option) rows."""
    options: dict[int, set[int]] = {}
    heads: dict[int, tuple[str, bool, int | None]] = {}
    for question_id, kind, required, max_choices, option_id in rows:
        heads.setdefault(question_id, (kind, required, max_choices))
        chosen = options.setdefault(question_id, set())
        if option_id is not None:
            chosen.add(option_id)
    return [
        QuestionShape(qid, kind, required, limit, frozenset(options[qid]))
        for qid, (kind, required, limit) in heads.items()
    ]


def save_subscriber_answers(
    direct: Statements,
    invitation: Invitation,
    person: Respondent,
    questions: Sequence[QuestionShape],
    answers: dict[int, Any],
    contact: bool | None = None,
) -> None:
    """Create or update the person's response with a fresh snapshot, and replace its
    answers to these questions (the last answer wins); all or nothing. Statements
    in a session's transaction (direct_on) are committed by the caller."""
    rows = _answer_rows(questions, answers)
    if person.response_id is None:
        stored = _new_response(
            direct,
            (INSERT_HER_RESPONSE_WITH_ANSWERS, INSERT_HER_RESPONSE),
            rows,
            link_key=invitation.link_key,
            survey_id=invitation.survey_id,
            subscriber_id=invitation.subscriber_id,
            campaign_id=invitation.campaign_id,
            source="mail",
            contact_consent=bool(contact),
            **person.snapshot,
        )
        if not stored:
            raise LinkError(expired=False)  # erased, or her links invalidated meanwhile
        return
    hers = {"response": person.response_id, "person": invitation.subscriber_id}
    with direct.together():
        updated = direct.counted(
            UPDATE_RESPONSE,
            hers | {"contact": contact, "updated_at": utcnow()} | person.snapshot,
        )
        # Replace without loading the old answers: delete, then insert.
        direct.execute_many(
            DELETE_ANSWERS, [hers | {"question": q.id} for q in questions]
        )
        if rows and direct.dialect.name == "postgresql":
            direct.execute(INSERT_LATER_ANSWERS_AT_ONCE, hers | {"answers": rows})
        elif rows:
            direct.execute_many(INSERT_LATER_ANSWERS, [hers | row for row in rows])
    if not updated():
        # Erased since her answers were read: the statements above, each bound to
        # the response still being hers, changed nothing.
        raise LinkError(expired=False)


def save_public_answers(
    direct: Statements,
    survey_id: int,
    questions: Sequence[QuestionShape],
    answers: dict[int, Any],
    region_id: int | None,
    org_type: str | None,
) -> None:
    """An anonymous response from the public link. The caller commits."""
    _new_response(
        direct,
        (INSERT_RESPONSE_WITH_ANSWERS, INSERT_RESPONSE),
        _answer_rows(questions, answers),
        survey_id=survey_id,
        subscriber_id=None,
        campaign_id=None,
        source="public",
        contact_consent=False,
        region_id=region_id,
        org_type=org_type,
        district_id=None,
        sector="",
        size="",
    )


def _new_response(
    direct: Statements,
    statements: tuple[PreparedStatement, PreparedStatement],
    rows: list[dict[str, Any]],
    **values: Any,
) -> bool:
    """A response and its answers: one statement where the database can (a
    conflicting second one fails whole, with IntegrityError), else one transaction.
    `statements`: (response and answers at once, the response alone). False when
    the response was not inserted."""
    at_once, alone = statements
    now = utcnow()
    values |= {"created_at": now, "updated_at": now}
    if direct.dialect.name == "postgresql":
        return bool(direct.rows(at_once, values | {"answers": rows}))
    with direct.together():
        made = direct.rows(alone, values)
        if made:
            _insert_answers(direct, made[0][0], rows)
    return bool(made)


def _insert_answers(
    direct: Statements, response_id: int, rows: list[dict[str, Any]]
) -> None:
    if rows:
        direct.execute_many(
            INSERT_ANSWERS, [{"response_id": response_id} | row for row in rows]
        )


def _answer_rows(
    questions: Sequence[QuestionShape], answers: dict[int, Any]
) -> list[dict[str, Any]]:
    """The answers' rows but their response."""
    return [
        {"option_id": None, "value": None, "text": None} | row
        for question in questions
        for row in _rows_of(question, answers.get(question.id))
    ]


def _rows_of(question: QuestionShape, value: Any) -> list[dict[str, Any]]:
    """One row per chosen option, or one with the number or the text."""
    if value is None:
        return []
    if question.kind == QuestionKind.MULTIPLE:
        return [{"question_id": question.id, "option_id": o} for o in value]
    column = {"single": "option_id", "text": "text"}.get(question.kind, "value")
    return [{"question_id": question.id, column: value}]
