"""Item 1 of #19: a profile in the Kompetenzlandschaft only with its own consent,
proved word for word, withdrawn in the preference centre; public only after the
region's manager approved it, and the person is told by mail."""

import re

from sqlalchemy import select

from core.db import db
from core.models import Role
from landscape.models import Profile, ProfileConsent
from tests.fixtures.smtp import text_of
from tests.http import PASSWORD, csrf_token, submit
from tests.landscape.people import (
    answer_need,
    confirm_profile,
    person,
    profile_form,
    topic_id,
)

CONSENT_START = "Ja, die Dortmunder Wirtschaftsförderung"


def checked(page: str, name: str) -> set[str]:
    """The values of the ticked boxes of this name."""
    boxes = re.findall(r"<input [^>]*>", page)
    return {
        re.search(r'value="([^"]*)"', box).group(1)
        for box in boxes
        if f'name="{name}"' in box and " checked" in box
    }


def profiles(app) -> list[Profile]:
    with app.app_context():
        return list(db.session.scalars(select(Profile)))


def test_the_profile_form_is_prefilled_from_her_details_and_survey_answers(app, client):
    anna = person(app, "anna@example.org", "dortmund", organisation="Werkzeug AG")
    answer_need(app, anna, "fachkraefte", "need")
    answer_need(app, anna, "ki-daten", "offer")

    settings = client.get(anna.preferences).get_data(as_text=True)
    assert "Kompetenzlandschaft" in settings
    page = client.get(anna.profile_page).get_data(as_text=True)

    assert 'value="Werkzeug AG"' in page
    with app.app_context():
        need, offer = topic_id("fachkraefte"), topic_id("ki-daten")
    assert checked(page, "needs") == {str(need)}
    assert checked(page, "offers") == {str(offer)}


def test_nothing_is_stored_or_public_without_the_consent_box(app, client):
    anna = person(app, "anna@example.org", "dortmund")
    data = profile_form(app, "Werkzeug AG", needs=["fachkraefte"])

    preview = submit(client, anna.profile_page, data=data)
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert "Vorschau" in text
    assert "Werkzeug AG" in text
    assert profiles(app) == []

    refused = submit(client, anna.profile_page, data={**data, "step": "confirm"})
    assert "Bitte stimmen Sie zu" in refused.get_data(as_text=True)
    assert profiles(app) == []
    assert "Werkzeug AG" not in client.get("/kompetenzlandschaft").get_data(
        as_text=True
    )


def test_bad_input_gets_a_german_message_and_keeps_what_was_typed(app, client):
    anna = person(app, "anna@example.org", "dortmund")
    data = profile_form(app, "Werkzeug AG", website="www.ohne-schema.de")

    page = submit(client, anna.profile_page, data=data).get_data(as_text=True)

    assert "Bitte geben Sie die vollständige Adresse" in page
    assert "Bitte wählen Sie mindestens ein Thema" in page
    assert 'value="Werkzeug AG"' in page


def test_a_description_with_a_persons_address_or_phone_is_refused(app, client):
    anna = person(app, "anna@example.org", "dortmund")
    for personal in (
        "Fragen Sie Anna Schmidt: anna.schmidt@werkzeug.de",
        "Rufen Sie an: +49 231 123 45 67",
        "Tel. 0231/1234567",
    ):
        data = profile_form(
            app, "Werkzeug AG", needs=["fachkraefte"], description=personal
        )
        page = submit(
            client, anna.profile_page, data={**data, "step": "confirm", "consent": "y"}
        ).get_data(as_text=True)
        assert "keine E-Mail-Adressen oder Telefonnummern" in page, personal
        assert "Werkzeug AG" in page  # what she typed is kept
        assert profiles(app) == []
    fine = profile_form(
        app, "Werkzeug AG", needs=["fachkraefte"], description="Seit 1995, 40 Leute."
    )
    submit(client, anna.profile_page, data={**fine, "step": "confirm", "consent": "y"})
    assert len(profiles(app)) == 1


def test_consent_is_logged_word_for_word_and_the_profile_waits_for_review(app, client):
    anna = person(app, "anna@example.org", "dortmund")
    confirm_profile(client, app, anna, "Werkzeug AG", needs=["fachkraefte"])

    [profile] = profiles(app)
    assert profile.status == "pending"
    with app.app_context():
        [event] = db.session.scalars(select(ProfileConsent)).all()
        assert event.kind == "given"
        assert event.text.startswith("Ja, ")
        assert "Kompetenzlandschaft" in event.text
    assert "Werkzeug AG" not in client.get("/kompetenzlandschaft").get_data(
        as_text=True
    )
    assert (
        client.get(f"/kompetenzlandschaft/organisation/{profile.id}").status_code == 404
    )
    settings = client.get(anna.preferences).get_data(as_text=True)
    assert event.text in settings
    assert "wartet auf die Prüfung" in settings


def test_the_manager_of_her_region_approves_and_she_is_told_by_mail(
    app, client, make_user, smtp_server
):
    anna = person(app, "anna@example.org", "dortmund")
    confirm_profile(client, app, anna, "Werkzeug AG", needs=["fachkraefte"])
    [profile] = profiles(app)
    approve = f"/kompetenzlandschaft/profile/{profile.id}/freigeben"

    for role, region, refused in (
        (Role.MANAGER, "suedwestfalen", 404),
        (Role.ANALYST, None, 403),
    ):
        other = app.test_client()
        user = make_user(role, region)
        submit(
            other,
            "/login",
            data={"email": user.email, "password": "correct horse battery"},
        )
        token = csrf_token(other.get("/").get_data(as_text=True))
        assert other.post(approve, data={"csrf_token": token}).status_code == refused
    assert profiles(app)[0].status == "pending"

    manager = app.test_client()
    user = make_user(Role.MANAGER, "dortmund")
    submit(
        manager,
        "/login",
        data={"email": user.email, "password": "correct horse battery"},
    )
    listing = manager.get("/kompetenzlandschaft/profile").get_data(as_text=True)
    assert "Werkzeug AG" in listing
    submit(manager, "/kompetenzlandschaft/profile", approve)

    assert profiles(app)[0].status == "approved"
    public = client.get("/kompetenzlandschaft").get_data(as_text=True)
    assert "Werkzeug AG" in public
    [mail] = smtp_server.to("anna@example.org")
    assert "Kompetenzlandschaft" in mail["Subject"]
    assert f"/kompetenzlandschaft/organisation/{profile.id}" in text_of(mail)

    submit(
        manager,
        "/kompetenzlandschaft/profile",
        approve.replace("freigeben", "verbergen"),
    )
    assert "Werkzeug AG" not in client.get("/kompetenzlandschaft").get_data(
        as_text=True
    )
    assert len(smtp_server.to("anna@example.org")) == 2


def test_withdrawing_in_the_preference_centre_deletes_the_profile(app, client):
    anna = person(app, "anna@example.org", "dortmund")
    confirm_profile(client, app, anna, "Werkzeug AG", needs=["fachkraefte"])
    with app.app_context():
        db.session.get(Profile, 1).status = "approved"
        db.session.commit()
    assert "Werkzeug AG" in client.get("/kompetenzlandschaft").get_data(as_text=True)

    done = submit(
        client,
        anna.preferences,
        f"/kompetenzlandschaft/mein-profil/{anna.token}/widerrufen",
    )

    assert done.status_code == 200
    assert profiles(app) == []
    assert "Werkzeug AG" not in client.get("/kompetenzlandschaft").get_data(
        as_text=True
    )
    with app.app_context():
        kinds = [
            e.kind
            for e in db.session.scalars(
                select(ProfileConsent).order_by(ProfileConsent.id)
            )
        ]
    assert kinds == ["given", "withdrawn"]
    assert "Einwilligung widerrufen" in client.get(anna.preferences).get_data(
        as_text=True
    )


def test_a_get_of_the_profile_page_changes_nothing(app, client):
    anna = person(app, "anna@example.org", "dortmund")
    client.get(anna.profile_page + "?step=confirm&consent=y&organisation=X")
    assert profiles(app) == []


def test_a_relay_that_is_down_does_not_break_the_review(app, client, make_user):
    anna = person(app, "anna@example.org", "dortmund")
    confirm_profile(client, app, anna, "Werkzeug AG", needs=["fachkraefte"])
    [profile] = profiles(app)
    app.config["MAIL_URL"] = "smtp://127.0.0.1:9"  # nobody listens
    manager = app.test_client()
    user = make_user(Role.MANAGER, "dortmund")
    submit(manager, "/login", data={"email": user.email, "password": PASSWORD})

    done = submit(
        manager,
        "/kompetenzlandschaft/profile",
        f"/kompetenzlandschaft/profile/{profile.id}/freigeben",
        follow_redirects=True,
    )

    assert done.status_code == 200
    assert "konnte nicht gesendet werden" in done.get_data(as_text=True)
    assert profiles(app)[0].status == "approved"


def test_the_home_page_tells_the_manager_what_waits_for_review(
    app, client, login_as, make_user
):
    anna = person(app, "anna@example.org", "dortmund")
    confirm_profile(client, app, anna, "Werkzeug AG", needs=["fachkraefte"])
    login_as(Role.MANAGER, "suedwestfalen")
    assert "0 Profile warten auf Ihre Prüfung" in client.get("/").get_data(as_text=True)
    dortmund = app.test_client()
    user = make_user(Role.MANAGER, "dortmund", email="do@example.org")
    submit(dortmund, "/login", data={"email": user.email, "password": PASSWORD})
    home = dortmund.get("/").get_data(as_text=True)
    assert "1 Profil wartet auf Ihre Prüfung" in home


def test_only_the_manager_of_the_profiles_region_moderates_it(app, client, make_user):
    """The README: the region's manager approves. The interregional manager (the
    joint list only), a manager of the other region and an analyst may not list,
    approve or hide a region's profiles; an administrator may."""
    anna = person(app, "anna@example.org", "dortmund")
    confirm_profile(client, app, anna, "Werkzeug AG", needs=["fachkraefte"])
    [profile] = profiles(app)
    base = f"/kompetenzlandschaft/profile/{profile.id}"

    for role, region, refused in (
        (Role.MANAGER, None, 404),
        (Role.MANAGER, "suedwestfalen", 404),
        (Role.ANALYST, None, 403),
    ):
        other = app.test_client()
        user = make_user(role, region)
        submit(other, "/login", data={"email": user.email, "password": PASSWORD})
        listing = other.get("/kompetenzlandschaft/profile")
        assert "Werkzeug AG" not in listing.get_data(as_text=True)
        token = csrf_token(other.get("/").get_data(as_text=True))
        for decision in ("freigeben", "verbergen"):
            answer = other.post(f"{base}/{decision}", data={"csrf_token": token})
            assert answer.status_code == refused, (role, region, decision)
    assert profiles(app)[0].status == "pending"

    admin = app.test_client()
    user = make_user(Role.ADMIN)
    submit(admin, "/login", data={"email": user.email, "password": PASSWORD})
    assert "Werkzeug AG" in admin.get("/kompetenzlandschaft/profile").get_data(
        as_text=True
    )
    submit(admin, "/kompetenzlandschaft/profile", f"{base}/freigeben")
    assert profiles(app)[0].status == "approved"
