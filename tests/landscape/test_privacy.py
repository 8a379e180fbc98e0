"""Item 6 of #19: a person's export lists her profile, her consent to it word for
word and her introductions; her erasure removes all of them, and a counterpart is
told only that the contact is no longer available."""

import json

from sqlalchemy import func, select

from core.db import db
from landscape.introductions import answer, propose
from landscape.jobs import send_contact_gone
from landscape.models import ContactGone, Introduction, Profile, ProfileConsent
from tests.fixtures.smtp import text_of
from tests.http import submit
from tests.landscape.people import profile_form, public_profile, topic_id


def introduced(app, accepted: bool = True):
    """Anna (Dortmund) offers AI, Sven (Südwestfalen) looks for it; introduced."""
    anna = public_profile(
        app,
        "anna@example.org",
        "dortmund",
        "Daten-Labor TU",
        offers=["ki-daten"],
        org_type="university",
    )
    sven = public_profile(
        app,
        "sven@example.org",
        "suedwestfalen",
        "Sauerland Metall GmbH",
        needs=["ki-daten"],
    )
    with app.app_context():
        seeker = db.session.get(Profile, sven.profile_id)
        provider = db.session.get(Profile, anna.profile_id)
        intro = propose(db.session, seeker, provider, topic_id("ki-daten"), None)
        answer(db.session, intro, sven.id, True)
        answer(db.session, intro, anna.id, accepted)
        db.session.commit()
    return anna, sven


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_export_lists_profile_consent_and_introductions(app, client):
    anna, sven = introduced(app)

    data = json.loads(
        client.get(f"{anna.preferences}/meine-daten.json").get_data(as_text=True)
    )

    records = data["kompetenzlandschaft"]
    profile = next(r for r in records if r["record"] == "profile")
    assert profile["organisation"] == "Daten-Labor TU"
    assert profile["topics_offered"] == ["KI und Daten"]
    [consent] = [r for r in records if r["record"] == "consent"]
    assert consent["event"] == "given"
    assert "Kompetenzlandschaft" in consent["text"]
    [intro] = [r for r in records if r["record"] == "introduction"]
    assert intro["role"] == "offering"
    assert intro["my_answer"] == "accepted"
    assert intro["contact"] == "sven@example.org"  # she received it by mail
    page = client.get(f"{anna.preferences}/meine-daten").get_data(as_text=True)
    assert "Daten-Labor TU" in page
    assert consent["text"] in page
    assert "Vorstellung zum Thema KI und Daten" in page


def test_erasure_removes_everything_and_tells_the_counterpart_only_that(
    app, client, smtp_server
):
    anna, sven = introduced(app)

    submit(
        client,
        anna.preferences,
        f"{anna.preferences}/loeschen",
        data={"confirm_erase": "y"},
    )

    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(Profile.id)).where(Profile.subscriber_id == anna.id)
            )
            == 0
        )
        assert (
            db.session.scalar(
                select(func.count(ProfileConsent.id)).where(
                    ProfileConsent.subscriber_id == anna.id
                )
            )
            == 0
        )
    assert count(app, Introduction) == 0
    assert "Daten-Labor TU" not in client.get("/kompetenzlandschaft").get_data(
        as_text=True
    )
    assert smtp_server.to("sven@example.org") == []  # nothing before the commit
    with app.app_context():
        assert send_contact_gone() == 1
        assert send_contact_gone() == 0  # once
    [mail] = smtp_server.to("sven@example.org")
    body = text_of(mail)
    assert "nicht mehr verfügbar" in mail["Subject"]
    assert "KI und Daten" in body
    for secret in ("Daten-Labor", "anna@example.org", "Anna", "gelöscht"):
        assert secret not in body
    assert count(app, ContactGone) == 1


def test_a_declined_introduction_is_not_reported_to_anybody(app, client, smtp_server):
    anna, sven = introduced(app, accepted=False)
    submit(
        client,
        anna.preferences,
        f"{anna.preferences}/loeschen",
        data={"confirm_erase": "y"},
    )
    with app.app_context():
        assert send_contact_gone() == 0
    assert smtp_server.to("sven@example.org") == []


def test_after_erasure_no_table_names_her_even_with_a_profile(app, client, smtp_server):
    from tests.privacy.dump import search_dump
    from tests.privacy.person import NAME, NEEDLES, ORGANISATION, live_a_life

    life = live_a_life(app, client, smtp_server)
    token = life.preferences_path.rsplit("/", 1)[-1]
    data = profile_form(
        app,
        ORGANISATION,
        offers=["fachkraefte"],
        description=f"Ansprechpartnerin {NAME}",
    )
    submit(
        client,
        f"/kompetenzlandschaft/mein-profil/{token}",
        data={**data, "step": "confirm", "consent": "y"},
    )
    assert count(app, Profile) == 1

    submit(
        client,
        life.preferences_path,
        f"{life.preferences_path}/loeschen",
        data={"confirm_erase": "y"},
    )

    after = search_dump(app, NEEDLES)
    assert after.hits == [], after.report()
    assert count(app, Profile) == 0


def test_after_erasure_the_counterparts_link_says_the_contact_is_gone(
    app, client, smtp_server
):
    anna, sven = introduced(app)
    with app.app_context():
        from landscape.mails import introduction_token

        intro_id = db.session.scalar(select(Introduction.id))
        link = (
            f"/kompetenzlandschaft/vorstellung/{introduction_token(intro_id, sven.id)}"
        )
    submit(
        client,
        anna.preferences,
        f"{anna.preferences}/loeschen",
        data={"confirm_erase": "y"},
    )

    response = client.get(link)

    page = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "Diese Vorstellung ist nicht mehr verfügbar" in page
    assert "nicht gültig" not in page  # her link is as good as ever
    assert "gelöscht" not in page  # says no more than the mail does
