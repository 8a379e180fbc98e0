"""One person's whole life with us, lived through the real pages and a real SMTP
server: sign-up with request details kept, confirmation, an issue the relay refuses
with her address in the reply, a survey answered with free text and a contact wish,
and a manager's import file that names her. Erasure and export tests start here."""

import re
from dataclasses import dataclass

from aiosmtpd.smtp import Envelope
from sqlalchemy import select

from core.db import db
from newsletter.audience.models import ImportBatch, Subscriber
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from surveys.models import Option, Survey
from tests import factories
from tests.fixtures.smtp import html_of, link_in
from tests.http import csrf_token
from tests.http import sign_up as sign_up_over_http

EMAIL = "fatma.kaya@example.org"
NAME = "Fatma Kaya"
ORGANISATION = "Kaya Präzisionsteile GmbH"
PHONE = "0231 9876543"
STREET = "Hafenweg 12"
FREE_TEXT = f"Bitte rufen Sie mich an: {NAME}, {PHONE}, {STREET}, 44147 Dortmund"
IP_ADDRESS = "203.0.113.77"
USER_AGENT = "FatmaBrowser/7.3 (Hafenweg)"
# What must be gone after erasure, wherever it was written.
NEEDLES = (EMAIL, "Fatma", "Kaya", PHONE, STREET, IP_ADDRESS, "FatmaBrowser")


def list_id(app, slug: str) -> int:
    with app.app_context():
        return factories.find_list(db.session, slug).id


@dataclass(frozen=True)
class Life:
    subscriber_id: int
    preferences_path: str
    survey_id: int
    campaign_id: int
    choice_option_id: int


def refuse_first_mail_of(smtp_server, address: str) -> None:
    """The relay refuses the first message to the address, naming it in its reply
    (as real relays do), so that the reply lands in the outbox."""
    refusals = {address: [f"550 5.7.1 <{address}>: rejected by local policy"]}

    async def handle_RCPT(server, session, envelope: Envelope, rcpt, options):  # noqa: N802
        answers = refusals.get(rcpt)
        if answers:
            return answers.pop(0)
        envelope.rcpt_tos.append(rcpt)
        return "250 OK"

    smtp_server.handler.handle_RCPT = handle_RCPT


def send_due(app) -> None:
    with app.app_context():
        dispatch_due(db.session)
        Sender(app, "privacy-test").run(budget_seconds=30)


def live_a_life(app, client, smtp_server) -> Life:
    """Everything that writes about a person, in the order it happens."""
    app.config["CONSENT_STORE_REQUEST_METADATA"] = True
    dortmund = list_id(app, "newsletter-dortmund")
    client.environ_base.update(
        {"REMOTE_ADDR": IP_ADDRESS, "HTTP_USER_AGENT": USER_AGENT}
    )
    sign_up_over_http(
        client,
        "dortmund",
        EMAIL,
        [dortmund],
        name=NAME,
        organisation=ORGANISATION,
        sector="Feinmechanik",
    )
    [confirmation] = smtp_server.to(EMAIL)
    link = link_in(confirmation, "/bestaetigen/")
    page = client.get(link).get_data(as_text=True)
    client.post(link, data={"csrf_token": csrf_token(page)})

    refuse_first_mail_of(smtp_server, EMAIL)
    campaign_id = factories.made_in(
        app, factories.campaign, subject="Neues für {{ first_name }}", due=True
    )
    send_due(app)

    survey_id = factories.made_in(app, factories.survey)
    factories.made_in(
        app,
        factories.campaign,
        subject="Kurze Frage",
        blocks=factories.survey_blocks(survey_id),
        due=True,
    )
    send_due(app)
    [survey_mail] = [m for m in smtp_server.to(EMAIL) if m["Subject"] == "Kurze Frage"]
    option_id = answer_survey(app, client, survey_mail, survey_id)
    preferences_path = link_in(survey_mail, "/einstellungen/")

    with app.app_context():
        subscriber = db.session.scalar(
            select(Subscriber).where(Subscriber.email == EMAIL)
        )
        # A manager's upload that names her, checked but not yet applied.
        db.session.add(
            ImportBatch(
                region_id=subscriber.region_id,
                filename="kontakte.csv",
                data={
                    "headers": ["E-Mail", "Name", "Telefon"],
                    "rows": [
                        [EMAIL, NAME, PHONE],
                        ["someone@example.org", "Someone Else", "0231 1"],
                    ],
                    "mapping": {"0": "email", "1": "name"},
                },
            )
        )
        db.session.commit()
        return Life(subscriber.id, preferences_path, survey_id, campaign_id, option_id)


def answer_survey(app, client, mail, survey_id: int, free_text: str = FREE_TEXT) -> int:
    """Answer every question from the mail's first button: a choice, a scale, free
    text and the contact wish. Returns the chosen option."""
    [first, *_] = re.findall(r'href="https?://[^/"]+(/umfrage/[^"]+)"', html_of(mail))
    path = first.replace("&amp;", "&").split("?")[0]
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        choice, scale, text = survey.questions
        option = db.session.scalar(
            select(Option).where(Option.question_id == choice.id).order_by(Option.id)
        )
        ids = (choice.id, scale.id, text.id, option.id)
    page = client.get(path).get_data(as_text=True)
    saved = client.post(
        path,
        data={"csrf_token": csrf_token(page), "step": "first", f"q{ids[0]}": ids[3]},
    )
    rest = client.get(saved.headers["Location"]).get_data(as_text=True)
    client.post(
        path,
        data={
            "csrf_token": csrf_token(rest),
            "step": "rest",
            f"q{ids[1]}": "4",
            f"q{ids[2]}": free_text,
            "contact": "yes",
        },
    )
    return ids[3]
