"""Answering a survey: signed per-recipient links, one response per subscriber and
survey (the last answer wins until it closes), anonymous answers from the public link.
Only a POST saves; a GET shows."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Integer,
    Table,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from core.db import SessionLike, utcnow
from core.direct_sql import PreparedStatement, Statements
from newsletter.audience.models import Subscriber
from newsletter.audience.tokens import LinkError, make_token, read_token, same_key
from newsletter.campaigns.rendering import Recipient
from surveys.answer_forms import QuestionShape
from surveys.models import (
    Answer,
    Click,
    Option,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
    open_between,
)

# Saving an answer is the hot path of the product (a newsletter goes out, thousands
# press "Senden" within minutes): a handful of statements prepared once and run on
# the DBAPI connection (see core.direct_sql).
SURVEYS: Table = Survey.__table__  # type: ignore[assignment]
QUESTIONS: Table = Question.__table__  # type: ignore[assignment]
OPTIONS: Table = Option.__table__  # type: ignore[assignment]
RESPONSES: Table = SurveyResponse.__table__  # type: ignore[assignment]
ANSWERS: Table = Answer.__table__  # type: ignore[assignment]
SUBSCRIBERS: Table = Subscriber.__table__  # type: ignore[assignment]
SNAPSHOT_COLUMNS = [
    SUBSCRIBERS.c[name]
    for name in ("region_id", "org_type", "district_id", "sector", "size")
]
QUESTION_COLUMNS = [
    QUESTIONS.c.id,
    QUESTIONS.c.kind,
    QUESTIONS.c.required,
    QUESTIONS.c.max_choices,
    OPTIONS.c.id,
]
# Everything saving an answer needs to know of the person, in one round trip: the
# survey's times and version, the person (email None once erased) and their response
# so far. The questions come from QUESTIONS_OF, kept per survey version.
RESPONDENT = PreparedStatement(
    select(
        SURVEYS.c.opens_at,
        SURVEYS.c.closes_at,
        SURVEYS.c.public_key,
        SURVEYS.c.version,
        SUBSCRIBERS.c.email,
        SUBSCRIBERS.c.link_key,
        RESPONSES.c.id,
        *SNAPSHOT_COLUMNS,
    )
    .select_from(
        SURVEYS.outerjoin(
            SUBSCRIBERS, SUBSCRIBERS.c.id == bindparam("subscriber_id")
        ).outerjoin(
            RESPONSES,
            (RESPONSES.c.survey_id == SURVEYS.c.id)
            & (RESPONSES.c.subscriber_id == SUBSCRIBERS.c.id),
        )
    )
    .where(SURVEYS.c.id == bindparam("survey_id"))
)
# A survey's version with one row per question and option, in order.
QUESTIONS_OF = PreparedStatement(
    select(SURVEYS.c.version, *QUESTION_COLUMNS)
    .select_from(
        SURVEYS.outerjoin(QUESTIONS, QUESTIONS.c.survey_id == SURVEYS.c.id).outerjoin(
            OPTIONS, OPTIONS.c.question_id == QUESTIONS.c.id
        )
    )
    .where(SURVEYS.c.id == bindparam("survey_id"))
    .order_by(QUESTIONS.c.position, QUESTIONS.c.id)
)
SNAPSHOT = tuple(column.name for column in SNAPSHOT_COLUMNS)
RESPONSE_FIELDS = (
    "survey_id",
    "subscriber_id",
    "campaign_id",
    "source",
    *SNAPSHOT,
    "contact_consent",
    "created_at",
    "updated_at",
)
INSERT_RESPONSE = PreparedStatement(
    insert(RESPONSES)
    .values({name: bindparam(name) for name in RESPONSE_FIELDS})
    .returning(RESPONSES.c.id)
)
# A person's answer is written only while she is still the person the POST read:
# an erasure (or "invalidate my links") that committed in between wins, and one
# under way is waited for (her row is locked here, and first by the erasure), so
# her free text and contact wish never come back after it.
_HER = (
    select(SUBSCRIBERS.c.id)
    .where(
        SUBSCRIBERS.c.id == bindparam("subscriber_id"),
        SUBSCRIBERS.c.email.is_not(None),
        SUBSCRIBERS.c.link_key == bindparam("link_key"),
    )
    .with_for_update(read=True)
    .subquery("her")
)


def _insert_her_response(typed: bool) -> Any:
    """INSERT … SELECT of a person's new response, from her row only (PostgreSQL
    needs the values' types in a SELECT list; SQLite's CAST would change them)."""

    def value(name: str) -> ColumnElement[Any]:
        parameter = bindparam(name, type_=RESPONSES.c[name].type)
        return cast(parameter, RESPONSES.c[name].type) if typed else parameter

    return (
        insert(RESPONSES)
        .from_select(
            RESPONSE_FIELDS,
            select(*(value(name) for name in RESPONSE_FIELDS)).select_from(_HER),
        )
        .returning(RESPONSES.c.id)
    )


INSERT_HER_RESPONSE = PreparedStatement(_insert_her_response(typed=False))
# The response is still hers (an erasure unlinks it from her).
_STILL_HERS = (
    select(RESPONSES.c.id)
    .where(
        RESPONSES.c.id == bindparam("response"),
        RESPONSES.c.subscriber_id == bindparam("person"),
    )
    .exists()
)
# A later answer refreshes the snapshot; the consent changes only where it is asked.
UPDATE_RESPONSE = PreparedStatement(
    update(RESPONSES)
    .where(
        RESPONSES.c.id == bindparam("response"),
        RESPONSES.c.subscriber_id == bindparam("person"),
    )
    .values(
        {name: bindparam(name) for name in (*SNAPSHOT, "updated_at")}
        | {
            "contact_consent": func.coalesce(
                bindparam("contact", type_=Boolean()), RESPONSES.c.contact_consent
            )
        }
    )
)
DELETE_ANSWERS = PreparedStatement(
    delete(ANSWERS).where(
        ANSWERS.c.response_id == bindparam("response"),
        ANSWERS.c.question_id == bindparam("question"),
        _STILL_HERS,
    )
)
ANSWER_FIELDS = ("response_id", "question_id", "option_id", "value", "text")
INSERT_ANSWERS = PreparedStatement(
    insert(ANSWERS).values({name: bindparam(name) for name in ANSWER_FIELDS})
)
INSERT_LATER_ANSWERS = PreparedStatement(
    insert(ANSWERS).from_select(
        ANSWER_FIELDS,
        select(
            bindparam("response", type_=Integer()),
            *(bindparam(name) for name in ANSWER_FIELDS[1:]),
        ).where(_STILL_HERS),
    )
)
# PostgreSQL: a new response and its answers in one statement, which is atomic by
# itself: one round trip, without BEGIN and COMMIT. The answers come as one JSON
# list, so that the statement is the same for any number of them (and one text is
# cheaper for the driver to send than an array per column).
_NEW_RESPONSE = INSERT_RESPONSE.statement.cte("new_response")  # type: ignore[attr-defined]
_GIVEN = (
    func.json_to_recordset(bindparam("answers", type_=JSON()))
    .table_valued(*(ANSWERS.c[name] for name in ANSWER_FIELDS[1:]))
    .render_derived("given", with_types=True)
)


def _with_answers(response: Any) -> PreparedStatement:
    """The response that `response` (a CTE) inserts, and its answers."""
    return PreparedStatement(
        insert(ANSWERS).from_select(
            ANSWER_FIELDS,
            select(
                response.c.id, *(_GIVEN.c[name] for name in ANSWER_FIELDS[1:])
            ).select_from(response.join(_GIVEN, true())),  # each answer's row
        )
    )


INSERT_RESPONSE_WITH_ANSWERS = _with_answers(_NEW_RESPONSE)
INSERT_HER_RESPONSE_WITH_ANSWERS = _with_answers(
    _insert_her_response(typed=True).cte("her_response")
)
# PostgreSQL: a later answer's answers in one statement, while the response is hers.
INSERT_LATER_ANSWERS_AT_ONCE = PreparedStatement(
    insert(ANSWERS).from_select(
        ANSWER_FIELDS,
        select(
            cast(bindparam("response"), Integer()),
            *(_GIVEN.c[name] for name in ANSWER_FIELDS[1:]),
        )
        .select_from(_GIVEN)
        .where(_STILL_HERS),
    )
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
        _new_her_response(
            direct,
            rows,
            link_key=invitation.link_key,
            survey_id=invitation.survey_id,
            subscriber_id=invitation.subscriber_id,
            campaign_id=invitation.campaign_id,
            source="mail",
            contact_consent=bool(contact),
            **person.snapshot,
        )
        return
    hers = {"response": person.response_id, "person": invitation.subscriber_id}
    with direct.together():
        direct.execute(
            UPDATE_RESPONSE,
            hers | {"contact": contact, "updated_at": utcnow()} | person.snapshot,
        )
        # Replace without loading the old answers: delete, then insert.
        direct.execute_many(
            DELETE_ANSWERS, [hers | {"question": q.id} for q in questions]
        )
        if not rows:
            return
        if direct.dialect.name == "postgresql":
            direct.execute(INSERT_LATER_ANSWERS_AT_ONCE, hers | {"answers": rows})
        else:
            direct.execute_many(INSERT_LATER_ANSWERS, [hers | row for row in rows])


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
    direct: Statements, rows: list[dict[str, Any]], **values: Any
) -> None:
    """A response and its answers: one statement where the database can (a
    conflicting second one fails whole, with IntegrityError), else one transaction."""
    now = utcnow()
    values |= {"created_at": now, "updated_at": now}
    if direct.dialect.name == "postgresql":
        direct.execute(INSERT_RESPONSE_WITH_ANSWERS, values | {"answers": rows})
        return
    with direct.together():
        response_id = direct.value(INSERT_RESPONSE, values)
        _insert_answers(direct, response_id, rows)


def _new_her_response(
    direct: Statements, rows: list[dict[str, Any]], **values: Any
) -> None:
    """A person's new response and its answers, from her row only (nothing when an
    erasure came first)."""
    now = utcnow()
    values |= {"created_at": now, "updated_at": now}
    if direct.dialect.name == "postgresql":
        direct.execute(INSERT_HER_RESPONSE_WITH_ANSWERS, values | {"answers": rows})
        return
    with direct.together():
        made = direct.rows(INSERT_HER_RESPONSE, values)
        if made:
            _insert_answers(direct, made[0][0], rows)


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
