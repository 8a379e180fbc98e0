"""A manager sees what became of an issue: delivered, bounced, unsubscribed through
it, answers to its survey and clicks per link, counted through the signed links in
the mail (HEAD and repeats within seconds do not count), beside the previous issues
as a chart that a screen reader can read too."""

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import update

from core.db import db
from core.models import Role
from newsletter.sending.models import Delivery
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from tests import factories
from tests.fixtures.smtp import html_of, link_in, text_of


def sent_issue(app, people=3, **fields) -> int:
    """An issue of Dortmund with every block type, sent to `people` readers."""
    with app.app_context():
        factories.audience(db.session, people)
        campaign_id = factories.campaign(db.session, due=True, **fields).id
        dispatch_due(db.session)
        Sender(app, "results-test").run(budget_seconds=30)
    return campaign_id


def mail_of(smtp_server, address):
    (message,) = smtp_server.to(address)
    return message


def click_link(message) -> str:
    """The path of the first click link in the text part ("Termine (URL)")."""
    match = re.search(r"https?://[^/\s]+(/link/[^\s)]+)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


def results(client, campaign_id) -> str:
    page = client.get(f"/campaigns/{campaign_id}/results")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def clicks_row(page: str, url: str) -> list[str]:
    """The cells of the row of the clicks table that names this link."""
    row = re.search(rf"<tr>\s*<td>[^<]*{re.escape(url)}.*?</tr>", page, re.S)
    assert row, f"no row for {url}"
    return re.findall(r'<td class="num">(\d+)</td>', row.group(0))


def test_links_in_the_mail_lead_to_their_target_through_a_signed_link(
    app, client, smtp_server
):
    sent_issue(app)
    message = mail_of(smtp_server, "person0@example.org")
    assert "https://example.org/mitmachen" not in html_of(message)
    assert "https://example.org/termine" not in text_of(message)
    followed = client.get(click_link(message))
    assert followed.status_code == 302
    assert followed.headers["Location"] == "https://example.org/termine"
    # Our own pages stay direct links: unsubscribing needs no detour.
    assert "/abmelden/" in text_of(message)


def test_clicks_are_counted_per_link_once_per_person_and_not_for_head(
    app, client, smtp_server, login_as
):
    campaign_id = sent_issue(app)
    first = click_link(mail_of(smtp_server, "person0@example.org"))
    other = click_link(mail_of(smtp_server, "person1@example.org"))
    client.head(first)  # a security gateway looking
    client.get(first)
    client.get(first)  # the same person again within seconds: a scanner's double
    client.get(other)
    app.config["CLICK_REPEAT_SECONDS"] = 0
    client.get(first)  # a later, real second click
    login_as(Role.MANAGER, "dortmund")
    page = results(client, campaign_id)
    assert clicks_row(page, "https://example.org/termine") == ["3", "2"]
    assert clicks_row(page, "https://example.org/mitmachen") == ["0", "0"]
    assert "Obergrenze" in page  # clicks are an upper bound, and the page says so
    assert "person0" not in page


def test_a_link_token_leads_only_to_links_of_its_issue(app, client, smtp_server):
    sent_issue(app)
    link = click_link(mail_of(smtp_server, "person0@example.org"))
    path, token = link.rsplit("/", 1)
    forged = client.get(f"{path}/{token[:-3]}abc")
    assert forged.status_code == 404
    assert "Location" not in forged.headers
    other_link = re.sub(r"/link/(\d+)/", lambda m: f"/link/{int(m[1]) + 99}/", link)
    assert client.get(other_link).status_code == 404
    elsewhere = client.get(link + "?next=https://evil.example")
    assert elsewhere.headers["Location"] == "https://example.org/termine"


def test_results_show_delivered_bounced_and_unsubscribed_through_this_issue(
    app, client, smtp_server, login_as
):
    campaign_id = sent_issue(app, people=4)
    with app.app_context():
        db.session.execute(
            update(Delivery)
            .where(Delivery.subscriber_id == 4)
            .values(status="bounced", last_error="550 5.1.1 unknown user")
        )
        db.session.commit()
    unsubscribe = link_in(mail_of(smtp_server, "person0@example.org"), "/abmelden/")
    client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    login_as(Role.MANAGER, "dortmund")
    page = results(client, campaign_id)
    numbers = dict(re.findall(r'<dt>([^<]+)</dt>\s*<dd class="num">(\d+)</dd>', page))
    assert numbers["Zugestellt"] == "3"
    assert numbers["Unzustellbar"] == "1"
    assert numbers["Über diese Ausgabe abgemeldet"] == "1"


def test_results_chart_compares_with_earlier_issues_and_reads_as_a_table(
    app, client, smtp_server, login_as
):
    sent_issue(app, people=2, title="Februarausgabe")
    with app.app_context():
        later = factories.campaign(db.session, title="Märzausgabe", due=True).id
        dispatch_due(db.session)
        Sender(app, "results-test").run(budget_seconds=30)
    login_as(Role.MANAGER, "dortmund")
    page = results(client, later)
    svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", page, re.S)
    assert svg, "no chart"
    assert re.search(r"<title[^>]*>[^<]+</title>", svg.group(0))
    assert re.search(r"<desc[^>]*>[^<]+</desc>", svg.group(0))
    assert "Februarausgabe" in svg.group(0)
    assert "<script" not in page.split("<main", 1)[-1]
    table = page[svg.end() :]
    assert "<caption" in table
    assert "Februarausgabe" in table


@pytest.mark.parametrize(
    ("role", "region", "status"),
    [(Role.MANAGER, "suedwestfalen", 404), (Role.ANALYST, None, 403)],
)
def test_results_are_for_the_managers_of_the_issues_region(
    app, client, login_as, role, region, status
):
    campaign_id = sent_issue(app, people=1)
    login_as(role, region)
    assert client.get(f"/campaigns/{campaign_id}/results").status_code == status


def test_the_survey_section_counts_answers_given_through_this_issue(
    app, client, login_as
):
    with app.app_context():
        factories.audience(db.session, 2)
        survey = factories.survey(db.session)
        campaign_id = factories.campaign(
            db.session, blocks=factories.survey_blocks(survey.id)
        ).id
        question = survey.questions[0]
        responses = factories.answer(db.session, question, [question.options[0]])
        responses[0].campaign_id = campaign_id
        db.session.commit()
        title = survey.title["de"]
    login_as(Role.MANAGER, "dortmund")
    page = results(client, campaign_id)
    assert title in page
    assert "1 Antwort" in page


def test_a_head_request_never_follows_a_click_into_the_count(app, client, smtp_server):
    sent_issue(app, people=1)
    link = click_link(mail_of(smtp_server, "person0@example.org"))
    head = client.head(link)
    assert head.status_code == 302
    assert urlsplit(head.headers["Location"]).netloc == "example.org"
