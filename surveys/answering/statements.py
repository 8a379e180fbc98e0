"""The statements of the answer POST (the hot path of the product: a newsletter goes
out, thousands press "Senden" within minutes), prepared once and run on the DBAPI
connection (see core.direct_sql) by surveys.answering.responses."""

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

from core.direct_sql import PreparedStatement
from newsletter.audience.models import Subscriber
from surveys.models import Answer, Option, Question, Survey, SurveyResponse

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


def _answers_of(response: Any) -> Any:
    """The answers of the response that `response` (a CTE) inserts."""
    return insert(ANSWERS).from_select(
        ANSWER_FIELDS,
        select(
            response.c.id, *(_GIVEN.c[name] for name in ANSWER_FIELDS[1:])
        ).select_from(response.join(_GIVEN, true())),  # each answer's row
    )


def _with_answers(response: Any) -> PreparedStatement:
    """The response that `response` (a CTE) inserts and its answers, returning the
    response's id: no row when it inserted none."""
    return PreparedStatement(
        select(response.c.id).add_cte(_answers_of(response).cte("its_answers"))
    )


INSERT_RESPONSE_WITH_ANSWERS = _with_answers(_NEW_RESPONSE)
# No row when an erasure or "invalidate my links" came first (the POST then says the
# link is no longer valid rather than "saved").
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
