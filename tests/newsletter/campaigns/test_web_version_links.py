"""The web version's footer links work: opened from a recipient's mail, they are that
person's own unsubscribe and settings links; opened from the archive, they lead to a
page that says how to find them (never to the sign-up form)."""

import re
import time

from itsdangerous import TimestampSigner

from core.db import db
from newsletter.campaigns.models import Campaign
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from tests import factories
from tests.fixtures.smtp import html_of, text_of
from tests.http import csrf_token


def sent_mail(app, smtp_server):
    with app.app_context():
        factories.audience(db.session, 1)
    campaign_id = factories.made_in(app, factories.campaign, due=True)
    with app.app_context():
        db.session.get(Campaign, campaign_id).preheader = {"de": "Kurz gesagt"}
        db.session.commit()
        dispatch_due(db.session)
        Sender(app, "test").run(budget_seconds=10)
    [mail] = smtp_server.messages
    return campaign_id, mail


def footer_links(html: str) -> dict[str, str]:
    return {
        label: href
        for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', html)
    }


def unsigned(link: str) -> str:
    """A signed link without its timestamp and signature: what it names, the same
    whether it was signed in this second or the next."""
    return link.rsplit(".", 2)[0]


def test_the_web_version_from_a_mail_has_the_readers_own_links(
    app, client, smtp_server
):
    campaign_id, mail = sent_mail(app, smtp_server)
    web_url = re.search(r"Webversion: (\S+)", text_of(mail)).group(1)
    assert f"/ausgabe/{campaign_id}/de/" in web_url
    page = client.get(web_url.split("localhost", 1)[-1]).get_data(as_text=True)
    links = footer_links(page)
    mail_links = footer_links(html_of(mail))
    for label in ("Abmelden", "Einstellungen ändern"):
        assert unsigned(links[label]) == unsigned(mail_links[label])
    assert "/abmelden/" in links["Abmelden"]
    assert "Person 0" not in page  # nothing personal on a page that may be forwarded


def test_a_web_version_token_of_another_issue_gives_no_links(app, client, smtp_server):
    campaign_id, mail = sent_mail(app, smtp_server)
    token = re.search(r"/ausgabe/\d+/de/(\S+)", text_of(mail)).group(1)
    other = factories.made_in(app, factories.campaign, due=True)
    with app.app_context():
        db.session.get(Campaign, other).status = "sent"
        db.session.commit()
    page = client.get(f"/ausgabe/{other}/de/{token}").get_data(as_text=True)
    assert "/abmelden/" not in page
    assert "/eigene-links" in page


def test_a_forged_token_gives_no_links(app, client, smtp_server):
    campaign_id, _mail = sent_mail(app, smtp_server)
    page = client.get(f"/ausgabe/{campaign_id}/de/forged").get_data(as_text=True)
    assert "/abmelden/" not in page


def test_the_archive_web_version_links_to_how_to_find_ones_own(
    app, client, smtp_server
):
    campaign_id, _mail = sent_mail(app, smtp_server)
    page = client.get(f"/ausgabe/{campaign_id}").get_data(as_text=True)
    links = footer_links(page)
    assert "/anmelden/" not in links["Abmelden"]
    help_page = client.get(links["Abmelden"].split("localhost", 1)[-1])
    assert help_page.status_code == 200
    text = help_page.get_data(as_text=True)
    assert "Jede Newsletter-Mail hat am Ende Ihre eigenen Links" in text
    assert "transfer@wirtschaftsfoerderung-dortmund.example" in text


def test_the_mail_has_list_id_reply_to_and_a_padded_preheader(app, smtp_server):
    _campaign_id, mail = sent_mail(app, smtp_server)
    assert mail["List-Id"] == (
        "Brückenschlag Dortmund <dortmund.newsletter.brueckenschlag.example>"
    )
    assert mail["Reply-To"] == "transfer@wirtschaftsfoerderung-dortmund.example"
    assert "Kurz gesagt" + "&#847;&zwnj;&nbsp;" * 10 in html_of(mail)


def test_invalidating_ones_links_empties_the_web_version_of_an_old_mail(
    app, client, smtp_server
):
    _campaign_id, mail = sent_mail(app, smtp_server)
    web_path = re.search(r"Webversion: (\S+)", text_of(mail)).group(1)
    web_path = web_path.split("localhost", 1)[-1]
    settings = footer_links(html_of(mail))["Einstellungen ändern"]
    settings = settings.split("localhost", 1)[-1]
    page = client.get(settings).get_data(as_text=True)
    client.post(f"{settings}/abmelden-ueberall", data={"csrf_token": csrf_token(page)})
    web = client.get(web_path).get_data(as_text=True)
    assert "/einstellungen/" not in web
    assert "/eigene-links" in web


def web_path_signed_days_ago(app, mail, days, monkeypatch) -> str:
    """The web version link of this mail, as if the mail had gone out days ago."""
    from newsletter.audience.tokens import read_token
    from newsletter.campaigns.web_links import web_token

    token = re.search(r"/ausgabe/\d+/de/(\S+)", text_of(mail)).group(1)
    with app.app_context():
        payload = read_token("web", token)
    then = int(time.time()) - days * 86400
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: then)
        with app.app_context():
            old = web_token(payload["s"], payload["l"], payload["c"], payload["k"])
    return f"/ausgabe/{payload['c']}/de/{old}"


def test_the_web_version_of_an_old_mail_shows_no_personal_links(
    app, client, smtp_server, monkeypatch
):
    _campaign_id, mail = sent_mail(app, smtp_server)
    days = app.config["PREFERENCES_LINK_DAYS"]
    recent = client.get(web_path_signed_days_ago(app, mail, days - 1, monkeypatch))
    assert "/einstellungen/" in recent.get_data(as_text=True)
    old = client.get(web_path_signed_days_ago(app, mail, days + 1, monkeypatch))
    page = old.get_data(as_text=True)
    assert old.status_code == 200
    assert "Neues aus Dortmund" in page  # the content
    assert "/einstellungen/" not in page
    assert "/abmelden/" not in page
    assert "Die persönlichen Links dieser Webversion sind abgelaufen" in page
    help_path = footer_links(page)["Einstellungen ändern"].split("localhost", 1)[-1]
    help_page = client.get(help_path).get_data(as_text=True)
    assert 'action="/einstellungen/neuer-link"' in help_page  # a fresh link by mail
