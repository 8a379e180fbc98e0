"""A subscriber has no account: every page she reaches from a mail, and every form
on it, works without a cookie and sets none (nothing to consent to). The client
here keeps no cookies at all, as a browser that refuses them."""

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from core.db import db
from newsletter.audience.models import Subscriber
from surveys.models import Survey, SurveyResponse
from tests.fixtures.smtp import link_in
from tests.http import csrf_token, shown_texts
from tests.surveys.test_answering import button_links, send_survey_mail


class NoCookieClient:
    """Requests as a browser that keeps no cookies; each answer is checked for a
    cookie (Set-Cookie) and for a page that read the session (Vary: Cookie)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.seen: list[str] = []

    def open(self, method: str, path: str, **kwargs) -> TestResponse:
        response = self.client.open(path, method=method, **kwargs)
        self.seen.append(f"{method} {path}")
        assert response.status_code < 400, (method, path, response.status_code)
        assert "Set-Cookie" not in response.headers, (method, path)
        assert "Cookie" not in response.headers.get("Vary", ""), (method, path)
        return response

    def get(self, path: str) -> TestResponse:
        return self.open("GET", path)

    def post(self, path: str, data: dict) -> TestResponse:
        return self.open("POST", path, data=data)

    def submit(self, path: str, data: dict) -> TestResponse:
        """Open the page and press its (first) form's button with this data."""
        html = self.get(path).get_data(as_text=True)
        return self.post(
            path, {"csrf_token": csrf_token(html), **shown_texts(html), **data}
        )


@pytest.fixture
def browser(app) -> NoCookieClient:
    return NoCookieClient(app.test_client(use_cookies=False))


def test_answering_from_the_mail_sets_no_cookie(app, browser, smtp_server):
    survey_id, options, mails = send_survey_mail(app, smtp_server)
    mail = mails["person0@example.org"]
    clicked = button_links(mail)[1].replace("&amp;", "&")
    link = clicked.split("?")[0]
    with app.app_context():
        questions = db.session.get(Survey, survey_id).questions

    page = browser.get(clicked).get_data(as_text=True)
    assert re.search(rf'value="{options[1].id}"\s+checked', page)
    first = browser.post(
        link,
        {
            "csrf_token": csrf_token(page),
            "step": "first",
            f"q{questions[0].id}": str(options[1].id),
        },
    )
    assert first.status_code == 302
    rest = browser.get(first.headers["Location"]).get_data(as_text=True)
    assert "Kooperation lohnt sich." in rest
    done = browser.post(
        link,
        {
            "csrf_token": csrf_token(rest),
            "step": "rest",
            f"q{questions[1].id}": "4",
            f"q{questions[2].id}": "Mehr Termine",
        },
    )
    assert "Danke für Ihre Antwort" in browser.get(done.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        response = db.session.scalar(select(SurveyResponse))
        assert {(a.option_id, a.value, a.text) for a in response.answers} == {
            (options[1].id, None, None),
            (None, 4, None),
            (None, None, "Mehr Termine"),
        }


def test_the_language_switch_of_a_mail_page_needs_no_cookie(app, browser, smtp_server):
    _survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    german = browser.get(link).get_data(as_text=True)
    switch = re.search(r'href="([^"]*lang=en[^"]*)"[^>]*>English<', german)
    assert switch, "no language link on the page"
    english = browser.get(switch.group(1).replace("&amp;", "&"))
    html = english.get_data(as_text=True)
    assert "What do you need most?" in html
    answered = browser.post(
        switch.group(1).replace("&amp;", "&"),
        {
            "csrf_token": csrf_token(html),
            "step": "first",
            f"q{options[0].question_id}": str(options[0].id),
        },
    )
    # The next page stays in the chosen language: the address carries it.
    rest = browser.get(answered.headers["Location"]).get_data(as_text=True)
    assert 'lang="de">Deutsch<' in rest


def test_a_public_survey_link_sets_no_cookie(app, browser):
    with app.app_context():
        from tests import factories

        survey = factories.survey(db.session)
        survey_id, key = survey.id, survey.public_key
        first = survey.questions[0]
        question_id, option_id = first.id, first.options[0].id
    answered = browser.submit(
        f"/umfrage/{survey_id}/offen/{key}", {f"q{question_id}": str(option_id)}
    )
    assert answered.status_code == 302
    assert "Danke für Ihre Antwort" in browser.get(
        answered.headers["Location"]
    ).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_signing_up_and_confirming_sets_no_cookie(app, browser, list_ids, smtp_server):
    signed_up = browser.submit(
        "/anmelden/dortmund",
        {
            "email": "lena@example.org",
            "lists": [str(list_ids["newsletter-dortmund"])],
            "consent": "y",
            "language": "de",
        },
    )
    assert signed_up.status_code == 302
    browser.get(signed_up.headers["Location"])
    [mail] = smtp_server.arrived("lena@example.org")
    confirmed = browser.submit(link_in(mail, "/bestaetigen/"), {})
    assert "bestätigt" in confirmed.get_data(as_text=True)
    with app.app_context():
        person = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "lena@example.org")
        )
        assert person.status == "active"


def test_the_other_pages_a_mail_links_to_set_no_cookie(app, browser, smtp_server):
    _survey_id, _options, mails = send_survey_mail(app, smtp_server)
    mail = mails["person0@example.org"]
    settings = link_in(mail, "/einstellungen/")
    saved = browser.submit(settings, {"name": "Person Null", "language": "de"})
    assert saved.status_code == 200
    browser.get(f"{settings.split('?')[0]}/meine-daten")
    browser.get(link_in(mail, "/ausgabe/"))
    browser.get("/archiv/dortmund")
    browser.get("/datenschutz/dortmund")
    unsubscribe = link_in(mail, "/abmelden/")
    browser.get(unsubscribe)
    browser.post(unsubscribe, {})
    with app.app_context():
        person = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "person0@example.org")
        )
        assert all(s.status == "unsubscribed" for s in person.subscriptions)
