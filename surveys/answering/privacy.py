"""A person's survey responses in her export, and what her erasure does to them.

Erasure keeps choices and numbers as anonymous answers (they count in analyses as
before) and deletes what could name her: the link to her, the contact wish and every
free-text answer."""

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from core.db import SessionLike
from newsletter.audience.models import Subscriber
from newsletter.audience.personal_data import PersonalDataSource, Rows
from newsletter.audience.scope import Scope
from surveys.models import Answer, Option, Question, Survey, SurveyResponse


def _answer_value(answer: Answer, option: Option | None, language: str) -> Any:
    if option is not None:
        return option.label_for(language)
    return answer.text if answer.text is not None else answer.value


def export_responses(
    session: SessionLike, subscriber: Subscriber, scope: Scope
) -> Rows:
    """Every response (to the scope's controllers' surveys) with every answer (as
    the person saw the question), the contact wish and the attributes kept with it."""
    language = subscriber.language
    rows = []
    responses = session.execute(
        select(SurveyResponse, Survey)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(
            SurveyResponse.subscriber_id == subscriber.id, scope.held(Survey.region_id)
        )
        .order_by(SurveyResponse.id)
    )
    for response, survey in responses:
        answers = session.execute(
            select(Answer, Question, Option)
            .join(Question, Question.id == Answer.question_id)
            .outerjoin(Option, Option.id == Answer.option_id)
            .where(Answer.response_id == response.id)
            .order_by(Question.position, Answer.id)
        )
        rows.append(
            {
                "survey": survey.title_for(language),
                "answered_at": response.created_at.isoformat(),
                "changed_at": response.updated_at.isoformat(),
                "contact_wish": response.contact_consent,
                "attributes": {
                    "organisation_type": response.org_type,
                    "sector": response.sector,
                    "size": response.size,
                },
                "answers": [
                    {
                        "question": question.text_for(language),
                        "answer": _answer_value(answer, option, language),
                    }
                    for answer, question, option in answers
                ],
            }
        )
    return rows


def erase_responses(session: SessionLike, subscriber: Subscriber, scope: Scope) -> None:
    """Delete free text and the contact wish; unlink the rest from the person (of
    the scope's controllers' surveys)."""
    # Her row first: a first answer under way (which locks it to share) is waited
    # for and then unlinked here, and one that comes later finds her gone. Then
    # the responses before their answers, in the order of a later answer: the two
    # wait for each other instead of deadlocking.
    session.execute(
        select(Subscriber.id).where(Subscriber.id == subscriber.id).with_for_update()
    )
    mine = list(
        session.scalars(
            select(SurveyResponse.id)
            .join(Survey, Survey.id == SurveyResponse.survey_id)
            .where(
                SurveyResponse.subscriber_id == subscriber.id,
                scope.held(Survey.region_id),
            )
            .with_for_update(of=SurveyResponse)
        )
    )
    session.execute(
        delete(Answer).where(Answer.response_id.in_(mine), Answer.text.is_not(None))
    )
    session.execute(
        update(SurveyResponse)
        .where(SurveyResponse.id.in_(mine))
        .values(subscriber_id=None, contact_consent=False)
    )


RESPONSES = PersonalDataSource(
    key="survey_responses",
    title=_l("Your survey answers"),
    export=export_responses,
    erase=erase_responses,
    template="surveys/my_data_responses.html",
    order=60,
)
