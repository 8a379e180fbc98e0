"""What a person sends is checked, not trimmed: an answer that cannot be kept as
sent is refused with a message, and what she typed stays on the page."""

import re

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from core.db import db
from newsletter.audience.models import Subscriber
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from surveys.answering.forms import MAX_TEXT, AnswerError, QuestionShape, parse_answers
from surveys.models import Answer
from tests import factories
from tests.http import csrf_token
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


def test_a_repeated_choice_is_refused(app):
    several = QuestionShape(7, "multiple", False, 2, frozenset({1, 2, 3}))
    with app.test_request_context(), pytest.raises(AnswerError) as refused:
        parse_answers([several], MultiDict({"q7": ["1", "1", "2"]}))
    assert refused.value.problems == {
        7: "Bitte wählen Sie eine der vorgegebenen Antworten."
    }


def test_which_page_was_sent_is_read_from_the_form_not_the_address(
    app, client, smtp_server
):
    """An address with ?step=rest, before any answer, shows the first question; its
    „Senden" saves the first answer and leads on to the rest, not to „Danke"."""
    _survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    page = client.get(f"{link}?step=rest").get_data(as_text=True)
    assert 'name="step" value="first"' in page
    saved = client.post(
        f"{link}?step=rest",
        data={
            "csrf_token": csrf_token(page),
            "step": "first",
            f"q{options[0].question_id}": str(options[0].id),
        },
    )
    assert saved.status_code == 302
    assert "/danke" not in saved.headers["Location"]
    assert "step=rest" in saved.headers["Location"]


def test_the_second_page_says_the_first_answer_is_saved(app, client, smtp_server):
    _survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    saved = answer_first(client, link, options[0])
    rest = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Ihre Antwort auf die erste Frage ist gespeichert." in rest
    english = client.get(saved.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "Your answer to the first question is saved." in english
    assert "Kontaktwunsch" not in english


def test_the_free_text_field_does_not_cut_off_what_is_pasted(app, client, smtp_server):
    """A maxlength would let the browser cut a longer paste without a word; the
    limit is said next to the field, and the server's message keeps the text."""
    _survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    saved = answer_first(client, link, options[0])
    rest = client.get(saved.headers["Location"]).get_data(as_text=True)
    field = re.search(r"<textarea[^>]*>", rest).group(0)
    assert "maxlength" not in field
    assert "Höchstens 2.000 Zeichen." in rest


def test_the_buttons_of_an_english_mail_open_the_survey_in_english(
    app, client, smtp_server
):
    with app.app_context():
        factories.audience(db.session, 1)
        db.session.execute(update(Subscriber).values(language="en"))
        survey_id = factories.survey(db.session).id
        blocks = factories.survey_blocks(survey_id)
        issue = factories.campaign(db.session, blocks=blocks, due=True)
        issue.subject = {**issue.subject, "en": "News"}
        issue.blocks = {**issue.blocks, "en": blocks}  # an English edition
        db.session.commit()
        dispatch_due(db.session)
        Sender(app, "english-test").run(budget_seconds=30)
    (received,) = smtp_server.handler.received
    links = button_links(received.message)
    assert links
    assert all("lang=en" in link for link in links)
    page = client.get(links[0].replace("&amp;", "&")).get_data(as_text=True)
    assert "What do you need most?" in page
    assert ">Send<" in page


def test_another_button_adds_to_the_choices_of_a_multiple_choice_question(app, client):
    """A person who chose A and clicks B in the mail later finds A and B ticked:
    a button of a question with several answers adds one, it does not swap."""
    from newsletter.campaigns.rendering import Recipient
    from surveys.answering.responses import answer_token

    with app.app_context():
        factories.audience(db.session, 1)
        person = db.session.scalar(select(Subscriber))
        question = factories.one_question_survey(db.session, kind="multiple")
        a, b, _c = (option.id for option in question.options)
        her = Recipient(person.id, person.link_key)
        link = f"/umfrage/{question.survey_id}/"
        link += answer_token(her, question.survey_id, None)
    page = client.get(f"{link}?o={a}").get_data(as_text=True)
    client.post(
        link,
        data={"csrf_token": csrf_token(page), "step": "first", f"q{question.id}": a},
    )
    again = client.get(f"{link}?o={b}").get_data(as_text=True)
    for option in (a, b):
        assert re.search(rf'value="{option}"\s+checked', again)
