"""Two controllers, kept apart: a consent names whom it is given to. A regional
manager sends only to her region's lists; the interregional list is the joint
controllers' own and only interregional managers (or administrators) send to it;
an interregional issue carries both agencies' imprints."""

import re
from datetime import timedelta

from sqlalchemy import select

from core.db import db, utcnow
from core.models import Region, Role
from newsletter.audience.models import Segment, Subscriber
from newsletter.campaigns.models import Campaign, CampaignStatus
from newsletter.sending.models import Delivery
from surveys.models import Survey
from tests import factories
from tests.factories import every_block
from tests.fixtures.smtp import html_of, link_in, text_of
from tests.http import csrf_token, login, shown_texts
from tests.privacy.person import send_due

SWF_BRANDS = ("Südwestfalen Agentur", "Brückenschlag Südwestfalen", "57462 Olpe")
JOINT_BRANDS = ("Südwestfalen · Dortmund", "interregional")


def list_id(app, slug: str) -> int:
    with app.app_context():
        return factories.find_list(db.session, slug).id


def subscribe(app, client, smtp_server, region: str, email: str, slugs, **consents):
    """Sign up on the region's page and confirm, as a person would."""
    ids = [list_id(app, slug) for slug in slugs]
    page = client.get(f"/anmelden/{region}").get_data(as_text=True)
    client.post(
        f"/anmelden/{region}",
        data={
            "csrf_token": csrf_token(page),
            **shown_texts(page),
            "email": email,
            "lists": [str(i) for i in ids],
            "language": "de",
            **consents,
        },
    )
    link = link_in(smtp_server.to(email)[-1], "/bestaetigen/")
    page = client.get(link).get_data(as_text=True)
    client.post(link, data={"csrf_token": csrf_token(page)})


def people(app, client, smtp_server):
    subscribe(
        app,
        client,
        smtp_server,
        "dortmund",
        "dora@example.org",
        ["newsletter-dortmund"],
        consent="y",
    )
    subscribe(
        app,
        client,
        smtp_server,
        "dortmund",
        "jan@example.org",
        ["newsletter-dortmund", "brueckenschlag-interregional"],
        consent="y",
        consent_joint="y",
    )
    subscribe(
        app,
        client,
        smtp_server,
        "suedwestfalen",
        "sven@example.org",
        ["newsletter-suedwestfalen", "brueckenschlag-interregional"],
        consent="y",
        consent_joint="y",
    )


def campaign(app, region_slug, lists=(), segments=(), blocks=None) -> int:
    """A due campaign as it may sit in the database, however it got there."""
    with app.app_context():
        region_id = db.session.scalar(
            select(Region.id).where(Region.slug == region_slug)
        )
        made = Campaign(
            region_id=region_id,
            title="t",
            subject={"de": f"Ausgabe {region_slug}"},
            blocks={"de": blocks or every_block()},
            status=CampaignStatus.SCHEDULED,
            scheduled_at=utcnow(),
        )
        db.session.add(made)
        db.session.flush()
        made.list_ids = [list_id(app, slug) for slug in lists]
        made.segment_ids = list(segments)
        db.session.commit()
        return made.id


def everyone_segment(app, region_slug) -> int:
    with app.app_context():
        region_id = db.session.scalar(
            select(Region.id).where(Region.slug == region_slug)
        )
        segment = Segment(name="Alle", region_id=region_id, filters={})
        db.session.add(segment)
        db.session.commit()
        return segment.id


def interregional_survey(app) -> int:
    survey_id = factories.made_in(app, factories.survey)
    with app.app_context():
        db.session.get(Survey, survey_id).region_id = None
        db.session.commit()
    return survey_id


def recipients(app, campaign_id) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(Subscriber.email)
                .join(Delivery, Delivery.subscriber_id == Subscriber.id)
                .where(Delivery.campaign_id == campaign_id)
            )
        )


def test_a_regional_manager_cannot_choose_the_interregional_list(
    app, client, smtp_server, make_user
):
    manager = app.test_client()
    login(manager, make_user(Role.MANAGER, "suedwestfalen").email)
    home = manager.get("/campaigns").get_data(as_text=True)
    created = manager.post("/campaigns/new", data={"csrf_token": csrf_token(home)})
    path = created.headers["Location"]
    page = manager.get(path).get_data(as_text=True)
    joint = list_id(app, "brueckenschlag-interregional")
    assert f'value="{joint}"' not in page  # not offered
    manager.post(
        path,
        data={
            "csrf_token": csrf_token(page),
            **shown_texts(page),
            "subject_de": "Südwestfalen für alle",
            "lists": [str(joint)],
        },
    )
    with app.app_context():
        made = db.session.get(Campaign, int(re.findall(r"\d+", path)[-1]))
        assert made.list_ids == []  # refused


def test_an_issue_reaches_only_people_whose_consent_names_its_sender(
    app, client, smtp_server
):
    people(app, client, smtp_server)
    swf_to_joint = campaign(
        app, "suedwestfalen", lists=["brueckenschlag-interregional"]
    )
    swf_segment = campaign(
        app, "suedwestfalen", segments=[everyone_segment(app, "suedwestfalen")]
    )
    send_due(app)
    # However a campaign got its target, the outbox takes only the sender's lists.
    assert recipients(app, swf_to_joint) == set()
    assert recipients(app, swf_segment) == {"sven@example.org"}


def test_interregional_issues_go_to_the_joint_list_only_and_carry_both_imprints(
    app, client, smtp_server
):
    people(app, client, smtp_server)
    with app.app_context():
        joint_list = list_id(app, "brueckenschlag-interregional")
        dortmund_list = list_id(app, "newsletter-dortmund")
        issue = Campaign(
            region_id=None,
            subject={"de": "Gemeinsame Ausgabe"},
            blocks={"de": every_block()},
            status=CampaignStatus.SCHEDULED,
            scheduled_at=utcnow(),
        )
        db.session.add(issue)
        db.session.flush()
        issue.list_ids = [joint_list, dortmund_list]
        db.session.commit()
        issue_id = issue.id
    send_due(app)
    assert recipients(app, issue_id) == {"jan@example.org", "sven@example.org"}
    [mail] = [
        m
        for m in smtp_server.to("jan@example.org")
        if m["Subject"] == "Gemeinsame Ausgabe"
    ]
    for shown in (text_of(mail), html_of(mail)):
        assert "Südwestfalen Agentur GmbH" in shown
        assert "Wirtschaftsförderung Dortmund" in shown
        assert "Amtsgericht Siegen" in shown  # the complete imprint, not one line
        assert "/datenschutz/interregional" in shown


def test_a_person_who_signed_up_only_in_dortmund_gets_nothing_branded_otherwise(
    app, client, smtp_server
):
    people(app, client, smtp_server)
    survey_id = interregional_survey(app)
    blocks = [
        *every_block(),
        {"id": "s", "type": "survey_question", "survey": str(survey_id), "intro": ""},
        {"id": "r", "type": "survey_results", "survey": str(survey_id), "heading": ""},
    ]
    campaign(app, "suedwestfalen", lists=["newsletter-suedwestfalen"])
    campaign(app, "suedwestfalen", lists=["brueckenschlag-interregional"])
    campaign(app, "suedwestfalen", segments=[everyone_segment(app, "suedwestfalen")])
    campaign(app, None, lists=["brueckenschlag-interregional"], blocks=blocks)
    campaign(app, None, lists=["newsletter-dortmund"])
    campaign(app, "dortmund", lists=["newsletter-dortmund"], blocks=blocks)
    send_due(app)

    mails = smtp_server.to("dora@example.org")
    subjects = sorted(m["Subject"] for m in mails)
    assert subjects == [
        "Ausgabe dortmund",
        "Bitte bestätigen Sie Ihr Abonnement von Brückenschlag Dortmund",
    ]
    for mail in mails:
        sender = f"{mail['From']} {mail['Sender'] or ''} {mail['Reply-To'] or ''}"
        assert "Dortmund" in mail["From"]
        body = text_of(mail) + html_of(mail)
        for brand in SWF_BRANDS + JOINT_BRANDS:
            assert brand not in sender
            assert brand not in body, (mail["Subject"], brand)
        assert "/datenschutz/dortmund" in body
    # Every page a link in her mail opens is Dortmund's too.
    [issue] = [m for m in mails if m["Subject"] == "Ausgabe dortmund"]
    for link in re.findall(
        r"https?://[^/\s]+(/(?:umfrage|einstellungen|abmelden|ausgabe)/\S+)",
        text_of(issue),
    ):
        page = client.get(link).get_data(as_text=True)
        footer = page.split('<footer class="site-footer">')[-1]
        assert "Wirtschaftsförderung Dortmund" in footer, link
        for brand in SWF_BRANDS:
            assert brand not in footer, (link, brand)


def test_only_interregional_managers_and_administrators_send_interregional_issues(
    app, client, make_user
):
    issue = campaign(app, None, lists=["brueckenschlag-interregional"])
    with app.app_context():
        db.session.get(Campaign, issue).status = CampaignStatus.DRAFT
        db.session.commit()
    regional = app.test_client()
    login(regional, make_user(Role.MANAGER, "suedwestfalen").email)
    for path in (f"/campaigns/{issue}", f"/campaigns/{issue}/send"):
        assert regional.get(path).status_code == 404
    # Asking for no region makes a regional manager's issue her region's, still.
    home = regional.get("/campaigns").get_data(as_text=True)
    made = regional.post(
        "/campaigns/new", data={"csrf_token": csrf_token(home), "region_id": ""}
    )
    with app.app_context():
        newest = db.session.get(Campaign, int(made.headers["Location"].split("/")[-1]))
        assert newest.region.slug == "suedwestfalen"
    for role, region in ((Role.MANAGER, None), (Role.ADMIN, None)):
        user = app.test_client()
        login(user, make_user(role, region, email=f"{role}-x@example.org").email)
        assert user.get(f"/campaigns/{issue}/send").status_code == 200


def test_joining_the_interregional_list_is_its_own_consent_naming_both_agencies(
    app, client, smtp_server
):
    joint = list_id(app, "brueckenschlag-interregional")
    dortmund = list_id(app, "newsletter-dortmund")
    page = client.get("/anmelden/dortmund").get_data(as_text=True)
    assert "Südwestfalen Agentur GmbH und Wirtschaftsförderung Dortmund" in page
    refused = client.post(
        "/anmelden/dortmund",
        data={
            "csrf_token": csrf_token(page),
            **shown_texts(page),
            "email": "kim@example.org",
            "lists": [str(dortmund), str(joint)],
            "consent": "y",  # Dortmund's consent does not cover the joint list
            "language": "de",
        },
    )
    assert refused.status_code == 200
    assert "Bitte stimmen Sie dem Empfang des Newsletters zu." in refused.get_data(
        as_text=True
    )
    assert smtp_server.to("kim@example.org") == []
    subscribe(
        app,
        client,
        smtp_server,
        "dortmund",
        "kim@example.org",
        ["newsletter-dortmund"],
        consent="y",
    )
    with app.app_context():
        person = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "kim@example.org")
        )
        assert [s.list_id for s in person.subscriptions] == [dortmund]
    subscribe(
        app,
        client,
        smtp_server,
        "dortmund",
        "lea@example.org",
        ["brueckenschlag-interregional"],
        consent_joint="y",
    )
    with app.app_context():
        person = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "lea@example.org")
        )
        [signup, *_] = person_events(person)
        assert signup.consent_text.region_id is None
        assert "Südwestfalen Agentur GmbH" in signup.consent_text.text
        assert "Wirtschaftsförderung Dortmund" in signup.consent_text.text


def person_events(person):
    from newsletter.audience.models import ConsentEvent

    return list(
        db.session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.subscriber_id == person.id)
            .order_by(ConsentEvent.id)
        )
    )


def test_a_suedwestfalen_segment_reaches_only_consents_to_suedwestfalen(
    app, client, smtp_server
):
    """Dortmund records whose Südwestfalen consent is missing, pending or
    withdrawn get nothing from Südwestfalen, whatever the segment selects."""
    from newsletter.audience.subscriptions import unsubscribe

    with app.app_context():
        for email in ("mia@example.org", "max@example.org", "ute@example.org"):
            factories.subscriber(db.session, email=email, region="dortmund")
        factories.subscriber(
            db.session,
            email="mia@example.org",
            region="suedwestfalen",
            lists=["newsletter-suedwestfalen"],
        )
        factories.subscriber(
            db.session,
            email="max@example.org",
            region="suedwestfalen",
            lists=["newsletter-suedwestfalen"],
            confirmed=False,
        )
        ute = factories.subscriber(
            db.session,
            email="ute@example.org",
            region="suedwestfalen",
            lists=["newsletter-suedwestfalen"],
        )
        unsubscribe(db.session, ute.id, list_id(app, "newsletter-suedwestfalen"))
        # A segment of everybody anywhere, and one of Dortmund's records.
        anywhere = Segment(name="Alle überall", region_id=None, filters={})
        dortmund_id = db.session.scalar(
            select(Region.id).where(Region.slug == "dortmund")
        )
        records = Segment(
            name="Dortmunder Datensätze",
            region_id=None,
            filters={"region_id": dortmund_id},
        )
        db.session.add_all([anywhere, records])
        db.session.commit()
        segments = [anywhere.id, records.id]
    issue = campaign(app, "suedwestfalen", segments=segments)
    send_due(app)
    assert recipients(app, issue) == {"mia@example.org"}
    got = {
        address
        for address in ("mia@example.org", "max@example.org", "ute@example.org")
        if any(m["Subject"] == "Ausgabe suedwestfalen" for m in smtp_server.to(address))
    }
    assert got == {"mia@example.org"}


def test_nor_do_other_controllers_reminders_and_welcome_mails_reach_her(
    app, client, smtp_server
):
    from newsletter.sending.welcome import WelcomeInput, enqueue_welcome_mails
    from surveys.reminders.plans import PlanInput, save_plan, start_due_reminders
    from tests.newsletter.sending.test_welcome_mails import welcome_with_text

    with app.app_context():
        for region in (factories.find_region(db.session, "suedwestfalen"), None):
            text = {"de": f"Willkommen {region or 'gemeinsam'}"}
            welcome_with_text(db.session, region, text, text, WelcomeInput(True, 0))
        db.session.commit()
    people(app, client, smtp_server)
    joint_survey = interregional_survey(app)
    swf_survey = factories.made_in(app, factories.survey, region="suedwestfalen")
    campaign(
        app,
        None,
        lists=["brueckenschlag-interregional"],
        blocks=factories.survey_blocks(joint_survey),
    )
    campaign(
        app,
        "suedwestfalen",
        lists=["newsletter-suedwestfalen"],
        blocks=factories.survey_blocks(swf_survey),
    )
    send_due(app)
    with app.app_context():
        for issue in db.session.scalars(
            select(Campaign).where(Campaign.kind == "issue")
        ):
            issue.started_at = utcnow() - timedelta(days=8)
        for survey_id in (joint_survey, swf_survey):
            reminder = {"de": f"Erinnerung {survey_id}"}
            save_plan(
                db.session,
                db.session.get(Survey, survey_id),
                PlanInput(1, 7, reminder, reminder),
            )
        db.session.commit()
        start_due_reminders(db.session)
        enqueue_welcome_mails(db.session)
        db.session.commit()
    send_due(app)

    subjects = {m["Subject"] for m in smtp_server.to("sven@example.org")}
    # The paths ran: Sven, on both lists, got each controller's welcome and reminder.
    assert {"Willkommen Südwestfalen", "Willkommen gemeinsam"} <= subjects
    assert {f"Erinnerung {joint_survey}", f"Erinnerung {swf_survey}"} <= subjects
    for mail in smtp_server.to("dora@example.org"):
        body = text_of(mail) + html_of(mail)
        for brand in SWF_BRANDS + JOINT_BRANDS:
            assert brand not in f"{mail['From']} {body}", (mail["Subject"], brand)
