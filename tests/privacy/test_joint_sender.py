"""The interregional list's mails come from its own sender, naming both agencies (the
joint controllers), not from the installation's fallback address; administrators
edit it where the regions' imprints are edited. Read as received over SMTP."""

import re
from email.header import decode_header, make_header
from email.utils import parseaddr

from sqlalchemy import select

from core.db import db
from core.models import JointSender, Role
from newsletter.campaigns.models import Campaign
from tests import factories
from tests.http import csrf_token, login
from tests.privacy.person import send_due

JOINT = "brueckenschlag-interregional"
BOTH = ("Südwestfalen Agentur GmbH", "Wirtschaftsförderung Dortmund")


def sender_of(mail) -> tuple[str, str]:
    """Name and address of the From header, decoded as RFC 2047 says (adjacent
    encoded words join without a space; the stdlib's address parser puts one in
    where a long name was folded, which mail programs do not)."""
    raw = next(value for name, value in mail.raw_items() if name == "From")
    return parseaddr(str(make_header(decode_header(raw))))


def issues_sent_to(app, smtp_server, email: str) -> dict[str, object]:
    """An interregional and a Dortmund issue, sent; the mails by region."""
    with app.app_context():
        factories.subscriber(
            db.session, email=email, region="dortmund", lists=["newsletter-dortmund"]
        )
        factories.subscriber(db.session, email=email, region="dortmund", lists=[JOINT])
        joint = factories.campaign(
            db.session, subject="Gemeinsame Ausgabe", lists=[JOINT], due=True
        )
        joint.region_id = None
        factories.campaign(db.session, subject="Dortmunder Ausgabe", due=True)
        db.session.commit()
    send_due(app)
    return {mail["Subject"]: mail for mail in smtp_server.to(email)}


def test_an_interregional_issue_comes_from_both_agencies(app, smtp_server):
    mails = issues_sent_to(app, smtp_server, "jan@example.org")
    name, address = sender_of(mails["Gemeinsame Ausgabe"])
    for agency in BOTH:
        assert agency in name
    assert address == "newsletter-interregional@brueckenschlag.example"
    assert address != parseaddr(app.config["MAIL_FROM"])[1]
    assert sender_of(mails["Dortmunder Ausgabe"]) == (
        "Brückenschlag Dortmund",
        "newsletter-do@brueckenschlag.example",
    )


def test_an_administrator_edits_the_joint_sender_with_the_imprints(
    app, client, smtp_server, make_user
):
    login(client, make_user(Role.ADMIN).email)
    regions = client.get("/admin/regions").get_data(as_text=True)
    assert "newsletter-interregional@brueckenschlag.example" in regions
    page = client.get("/admin/regions/joint").get_data(as_text=True)
    refused = client.post(
        "/admin/regions/joint",
        data={
            "csrf_token": csrf_token(page),
            "sender_name": "Gemeinsam",
            "sender_email": "keine-adresse",
        },
    )
    assert refused.status_code == 200
    assert "gültige E-Mail-Adresse" in refused.get_data(as_text=True)
    saved = client.post(
        "/admin/regions/joint",
        data={
            "csrf_token": csrf_token(page),
            "sender_name": "Brückenschlag – SWA und WFDO gemeinsam",
            "sender_email": "gemeinsam@brueckenschlag.example",
        },
    )
    assert saved.status_code == 302
    mails = issues_sent_to(app, smtp_server, "jo@example.org")
    assert sender_of(mails["Gemeinsame Ausgabe"]) == (
        "Brückenschlag – SWA und WFDO gemeinsam",
        "gemeinsam@brueckenschlag.example",
    )
    with app.app_context():
        assert db.session.scalar(
            select(Campaign.id).where(Campaign.region_id.is_(None))
        )


def test_only_administrators_edit_the_joint_sender(app, make_user):
    for role, region in ((Role.MANAGER, None), (Role.MANAGER, "dortmund")):
        manager = app.test_client()
        login(manager, make_user(role, region).email)
        assert manager.get("/admin/regions/joint").status_code == 403
        page = manager.get("/subscribers").get_data(as_text=True)
        forged = manager.post(
            "/admin/regions/joint",
            data={
                "csrf_token": csrf_token(page),
                "sender_name": "Falsch",
                "sender_email": "falsch@example.org",
            },
        )
        assert forged.status_code == 403


def post_sender(client, name: str):
    page = client.get("/admin/regions/joint").get_data(as_text=True)
    return client.post(
        "/admin/regions/joint",
        data={
            "csrf_token": csrf_token(page),
            "sender_name": name,
            "sender_email": "gemeinsam@brueckenschlag.example",
        },
    )


def test_a_joint_sender_naming_one_agency_only_is_refused_with_the_text_kept(
    app, client, make_user
):
    login(client, make_user(Role.ADMIN).email)
    typed = "Newsletter der Wirtschaftsförderung Dortmund"
    refused = post_sender(client, typed)
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert "muss beide Agenturen nennen" in page
    assert "Südwestfalen Agentur GmbH" in page  # the one missing, named
    assert f'value="{typed}"' in page
    with app.app_context():
        [sender] = db.session.scalars(select(JointSender))
        assert sender.sender_email == "newsletter-interregional@brueckenschlag.example"


def test_the_agencies_short_names_are_set_with_their_imprints(
    app, client, make_user, region_ids
):
    login(client, make_user(Role.ADMIN).email)
    # By their full names, and by the short names the demo sets.
    assert (
        post_sender(
            client, "Wirtschaftsförderung Dortmund und Südwestfalen Agentur GmbH"
        ).status_code
        == 302
    )
    assert post_sender(client, "Brückenschlag (SWA und WFDO)").status_code == 302
    path = f"/admin/regions/{region_ids['dortmund']}"
    page = client.get(path).get_data(as_text=True)
    assert 'value="WFDO"' in page
    form = dict(
        re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page),
        short_name="WiFö",
    )
    form.update(re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>([^<]*)<', page))
    assert client.post(path, data=form).status_code == 302
    assert post_sender(client, "Brückenschlag (SWA und WFDO)").status_code == 200
    assert post_sender(client, "Brückenschlag (SWA und WiFö)").status_code == 302
