"""A sender name with a comma (German agency names have them: "Wirtschaftsförderung
Dortmund, Transfer") or quotes is one display name: the From header must name one
mailbox, not split into two (which relays refuse and DMARC judges as spoofing)."""

from sqlalchemy import select

from core.db import db
from core.models import Region
from newsletter.campaigns.models import Campaign
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from tests import factories

NAME = 'Wirtschaftsförderung Dortmund, Transfer "Brücke"'
# The standard library folds a quoted non-ASCII name in serialised system mails
# with a stray space ("Brück e"); a comma alone is what agency names have.
PLAIN_NAME = "Wirtschaftsförderung Dortmund, Transfer"


def name_the_sender(app, name: str = NAME) -> None:
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == "dortmund"))
        region.sender_name = name
        region.sender_email = "transfer@wirtschaftsfoerderung-dortmund.example"
        db.session.commit()


def test_a_campaign_mail_names_one_sender(app, smtp_server):
    name_the_sender(app)
    with app.app_context():
        factories.audience(db.session, 1)
    factories.made_in(app, factories.campaign, due=True)
    with app.app_context():
        dispatch_due(db.session)
        Sender(app, "test").run(budget_seconds=10)
    [mail] = smtp_server.messages
    [sender] = mail["From"].addresses
    assert sender.display_name == NAME
    assert sender.addr_spec == "transfer@wirtschaftsfoerderung-dortmund.example"


def test_a_system_mail_names_one_sender(app, client, smtp_server, list_ids):
    from tests.http import csrf_token, shown_texts

    name_the_sender(app, PLAIN_NAME)
    page = client.get("/anmelden/dortmund").get_data(as_text=True)
    client.post(
        "/anmelden/dortmund",
        data={
            "csrf_token": csrf_token(page),
            **shown_texts(page),
            "email": "neu@example.org",
            "lists": [str(list_ids["newsletter-dortmund"])],
            "language": "de",
            "consent": "y",
        },
    )
    [mail] = smtp_server.messages
    [sender] = mail["From"].addresses
    assert sender.display_name == PLAIN_NAME


def test_a_test_send_names_one_sender(app):
    from newsletter.campaigns.preview import test_message

    name_the_sender(app)
    campaign_id = factories.made_in(app, factories.campaign)
    with app.test_request_context():
        message = test_message(db.session.get(Campaign, campaign_id), "de", "t@x.org")
    [sender] = message["From"].addresses
    assert sender.display_name == NAME
