"""An issue's answers counted on two pages, each for its purpose, and each saying
what it counts: the issue's results count everyone who answered through it, also
people erased since (their answers stay, linked to nobody); the survey's reminder
page counts whom a reminder can still reach, so the erased are in neither its
"reached" nor its "answered". How many of the answers came from people erased
since is said only from MIN_CELL on: below, an erasure changes nothing shown."""

import re

from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.audience.erasure import erase, erasure_key
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from surveys.models import Option
from tests import factories
from tests.surveys.test_answering import answer_first, button_links
from tests.surveys.test_reminders import person

PEOPLE = [f"person{i:02}@example.org" for i in range(12)]


def an_issue_eleven_answered(app, client, smtp_server) -> tuple[int, int]:
    """An issue with the survey went to twelve people of Dortmund; eleven answered
    through its buttons. Returns the survey's and the issue's ids."""
    with app.app_context():
        for email in PEOPLE:
            factories.subscriber(db.session, email=email)
        survey_id = factories.survey(db.session).id
        issue = factories.campaign(
            db.session, blocks=factories.survey_blocks(survey_id), due=True
        )
        issue_id = issue.id
        dispatch_due(db.session)
        Sender(app, "issue").run(budget_seconds=60)
        first = db.session.scalars(select(Option).order_by(Option.id)).first()
    mails = {r.envelope_to[0]: r.message for r in smtp_server.handler.received}
    for email in PEOPLE[:11]:
        link = button_links(mails[email])[0].replace("&amp;", "&")
        assert answer_first(client, link, first).status_code == 302
    return survey_id, issue_id


def erased(app, *emails):
    with app.app_context():
        for email in emails:
            erase(db.session, person(db.session, email), erasure_key())
        db.session.commit()


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def answers_section(client, issue_id) -> str:
    page = client.get(f"/campaigns/{issue_id}/results").get_data(as_text=True)
    return text(page.split('id="survey-results-title"')[1].split("</section>")[0])


def issue_row(client, survey_id) -> str:
    page = client.get(f"/surveys/{survey_id}/reminders").get_data(as_text=True)
    table = page.split("Antworten nach der Ausgabe und nach jeder Erinnerung")[1]
    return text(
        re.search(r"<tr><th scope=\"row\">Ausgabe</th>.*?</tr>", table, re.S)[0]
    )


def test_the_results_count_the_erased_and_the_reminder_page_does_not_each_saying_so(
    app, client, login_as, smtp_server
):
    survey_id, issue_id = an_issue_eleven_answered(app, client, smtp_server)
    login_as(Role.MANAGER, "dortmund")
    before = answers_section(client, issue_id)
    assert "11 Antworten" in before

    erased(app, PEOPLE[0])  # one of fewer than 5: nothing shown changes
    assert answers_section(client, issue_id) == before
    assert "inzwischen gelöscht" in before  # the label says whom it counts

    erased(app, *PEOPLE[1:5])
    results = answers_section(client, issue_id)
    assert "11 Antworten (davon 5 inzwischen gelöscht)" in results
    assert "auch Personen, die ihre Daten inzwischen gelöscht haben" in results

    reminders = client.get(f"/surveys/{survey_id}/reminders").get_data(as_text=True)
    assert "nur, wen eine Erinnerung noch erreichen kann" in reminders
    # Twelve reached, five of them erased since; eleven answered, five erased.
    row = issue_row(client, survey_id)
    assert row.endswith(" 7 6 86 %"), row  # reached, answered, rate
