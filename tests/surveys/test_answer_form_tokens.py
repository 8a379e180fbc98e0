"""The answer form is bound to the personal link it was shown for (no session): a
form token of another link, another survey, a changed one or an old one is refused
with a page that says so, and nothing is stored."""

import time

from sqlalchemy import func, select

from core.db import db
from newsletter.audience.models import Subscriber
from newsletter.campaigns.rendering import Recipient
from surveys.answering.responses import answer_token
from surveys.models import SurveyResponse
from tests import factories
from tests.http import csrf_token
from tests.surveys.test_answering import button_links, send_survey_mail


def responses(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SurveyResponse))


def post_with(client, link: str, token: str, question_id: int, option_id: int):
    return client.post(
        link,
        data={"csrf_token": token, "step": "first", f"q{question_id}": str(option_id)},
    )


def assert_refused(answer) -> None:
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Ihre Antwort wurde nicht gespeichert" in html
    assert "Link aus Ihrer E-Mail" in html


def test_a_changed_form_token_is_refused(app, smtp_server):
    _sid, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    client = app.test_client(use_cookies=False)
    token = csrf_token(client.get(link).get_data(as_text=True))
    nonce, rest = token.split(".", 1)
    changed = ("A" if nonce[0] != "A" else "B") + nonce[1:] + "." + rest
    first = options[0]
    assert_refused(post_with(client, link, changed, first.question_id, first.id))
    assert_refused(post_with(client, link, "", first.question_id, first.id))
    assert responses(app) == 0
    # The page's own token works.
    assert (
        post_with(client, link, token, first.question_id, first.id).status_code == 302
    )
    assert responses(app) == 1


def test_a_form_token_of_another_persons_link_is_refused(app, smtp_server):
    _sid, options, mails = send_survey_mail(app, smtp_server)
    mine = button_links(mails["person0@example.org"])[0].split("?")[0]
    theirs = button_links(mails["person1@example.org"])[0].split("?")[0]
    client = app.test_client(use_cookies=False)
    my_token = csrf_token(client.get(mine).get_data(as_text=True))
    first = options[0]
    assert_refused(post_with(client, theirs, my_token, first.question_id, first.id))
    assert responses(app) == 0


def test_a_form_token_of_another_survey_is_refused(app, smtp_server):
    survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    with app.app_context():
        person = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "person0@example.org")
        )
        other = factories.survey(db.session, title="Noch eine Umfrage").id
        other_link = (
            f"/umfrage/{other}/"
            f"{answer_token(Recipient(person.id, person.link_key), other, None)}"
        )
    client = app.test_client(use_cookies=False)
    other_token = csrf_token(client.get(other_link).get_data(as_text=True))
    first = options[0]
    assert_refused(post_with(client, link, other_token, first.question_id, first.id))
    assert responses(app) == 0
    assert survey_id != other


def test_a_form_older_than_the_limit_is_refused(app, smtp_server):
    _sid, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    client = app.test_client(use_cookies=False)
    token = csrf_token(client.get(link).get_data(as_text=True))
    app.config["WTF_CSRF_TIME_LIMIT"] = 0
    time.sleep(1.1)  # a whole second older than the limit
    first = options[0]
    assert_refused(post_with(client, link, token, first.question_id, first.id))
    assert responses(app) == 0


def test_a_public_form_token_is_bound_to_its_page(app, list_ids):
    with app.app_context():
        one, other = factories.survey(db.session), factories.survey(db.session)
        pages = {s.id: f"/umfrage/{s.id}/offen/{s.public_key}" for s in (one, other)}
        first = other.questions[0]
        answer = {f"q{first.id}": str(first.options[0].id)}
    client = app.test_client(use_cookies=False)
    token = csrf_token(client.get(pages[one.id]).get_data(as_text=True))
    refused = client.post(pages[other.id], data={"csrf_token": token, **answer})
    assert refused.status_code == 400
    assert "nicht gespeichert" in refused.get_data(as_text=True)
    assert responses(app) == 0

    signup = csrf_token(client.get("/anmelden/suedwestfalen").get_data(as_text=True))
    shown_again = client.post(
        "/anmelden/dortmund",
        data={
            "csrf_token": signup,
            "email": "mallory@example.org",
            "lists": [str(list_ids["newsletter-dortmund"])],
            "consent": "y",
            "language": "de",
        },
    )
    html = shown_again.get_data(as_text=True)
    assert "gehört nicht zu dieser Seite" in html
    assert 'value="mallory@example.org"' in html  # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 0
