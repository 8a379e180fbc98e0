"""What a person sends is checked, not trimmed: an answer that cannot be kept as
sent is refused with a message, and what she typed stays on the page."""

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from core.db import db
from surveys.answering.forms import MAX_TEXT, AnswerError, QuestionShape, parse_answers
from surveys.models import Answer
from tests.surveys.test_answering import (
    answer_first,
    button_links,
    post_rest,
    send_survey_mail,
)


def test_a_choice_that_is_not_offered_is_refused_not_dropped(app):
    several = QuestionShape(7, "multiple", False, None, frozenset({1, 2}))
    with app.test_request_context(), pytest.raises(AnswerError) as refused:
        parse_answers([several], MultiDict({"q7": ["1", "99"]}))
    assert refused.value.problems == {
        7: "Bitte wählen Sie eine der vorgegebenen Antworten."
    }


def free_text_question(app, survey_id):
    from surveys.models import Survey

    with app.app_context():
        return db.session.get(Survey, survey_id).questions[-1].id


def test_a_full_text_with_line_breaks_is_stored_whole(app, client, smtp_server):
    """The browser lets a person type MAX_TEXT characters, counting a line break as
    one, and sends each break as two (CR LF): nothing of it may be cut off."""
    survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    page = answer_first(client, link, options[0])
    rest = client.get(page.headers["Location"]).get_data(as_text=True)
    typed = ("x" * 99 + "\n") * (MAX_TEXT // 100 - 1) + "y" * 100
    assert len(typed) == MAX_TEXT
    saved = post_rest(
        client,
        link,
        rest,
        {f"q{free_text_question(app, survey_id)}": typed.replace("\n", "\r\n")},
    )
    assert saved.status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(Answer.text).where(Answer.text.is_not(None)))
    assert stored == typed


def test_a_text_longer_than_allowed_is_refused_and_kept(app, client, smtp_server):
    survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    page = answer_first(client, link, options[0])
    rest = client.get(page.headers["Location"]).get_data(as_text=True)
    typed = "Unser Bedarf: " + "z" * MAX_TEXT
    shown = post_rest(
        client, link, rest, {f"q{free_text_question(app, survey_id)}": typed}
    )
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "Bitte kürzen Sie Ihre Antwort auf höchstens 2.000 Zeichen" in html
    assert typed in html  # nothing typed is lost
    with app.app_context():
        assert (
            db.session.scalar(select(Answer.text).where(Answer.text.is_not(None)))
            is None
        )
