"""Erasure (Art. 17) is complete: after "Meine Daten löschen" or a manager's erase,
nothing in the whole database names the person or links to her. What stays: the keyed
hash that blocks a silent re-import, and her choice answers without any link."""

import pytest
from sqlalchemy import func, select

from core.db import db
from core.models import Role
from newsletter.audience.erasure import address_hash
from newsletter.audience.models import ErasedAddress
from newsletter.sending.models import Delivery
from surveys.models import Answer, SurveyResponse
from tests.http import csrf_token, login
from tests.privacy.dump import search_dump
from tests.privacy.person import EMAIL, NEEDLES, live_a_life


def erase_myself(app, client, life) -> None:
    page = client.get(life.preferences_path).get_data(as_text=True)
    done = client.post(
        f"{life.preferences_path}/loeschen",
        data={"csrf_token": csrf_token(page), "confirm_erase": "y"},
    )
    assert done.status_code == 200, done.get_data(as_text=True)


def erase_by_manager(app, client, life, make_user) -> None:
    manager = make_user(Role.MANAGER, "dortmund")
    login(client, manager.email)
    page = client.get(f"/subscribers/{life.subscriber_id}").get_data(as_text=True)
    done = client.post(
        f"/subscribers/{life.subscriber_id}/erase",
        data={"csrf_token": csrf_token(page)},
    )
    assert done.status_code == 302


@pytest.mark.parametrize("who", ["the person", "a manager"])
def test_after_erasure_no_column_of_any_table_names_the_person(
    app, client, smtp_server, make_user, who
):
    life = live_a_life(app, client, smtp_server)
    before = search_dump(app, NEEDLES)
    # The test would prove nothing if the life had not written all of it.
    assert {needle for *_, needle in before.hits} == {n.lower() for n in NEEDLES}

    if who == "the person":
        erase_myself(app, client, life)
    else:
        erase_by_manager(app, client, life, make_user)

    after = search_dump(app, NEEDLES)
    print(after.report())  # noqa: T201 - the closing note shows it
    assert after.hits == [], after.report()


def test_erasure_unlinks_answers_and_deliveries_and_keeps_the_hash(
    app, client, smtp_server
):
    life = live_a_life(app, client, smtp_server)
    erase_myself(app, client, life)
    with app.app_context():
        response = db.session.scalar(select(SurveyResponse))
        assert response.subscriber_id is None
        assert response.contact_consent is False
        answers = {(a.option_id, a.value, a.text) for a in response.answers}
        # The choice and the scale stay, anonymous; the free text is gone.
        assert answers == {(life.choice_option_id, None, None), (None, 4, None)}
        assert (
            db.session.scalar(select(func.count()).where(Answer.text.is_not(None))) == 0
        )
        deliveries = list(db.session.scalars(select(Delivery)))
        assert len(deliveries) == 2  # the campaigns' figures keep their rows
        assert all(d.subscriber_id is None for d in deliveries)
        assert all(d.last_error == "" and d.message_id is None for d in deliveries)
        digest = address_hash(EMAIL, app.config["SECRET_KEY"])
        assert db.session.scalar(
            select(ErasedAddress).where(ErasedAddress.address_hash == digest)
        )


def test_the_erasure_page_says_what_is_deleted_and_what_stays(app, client, smtp_server):
    life = live_a_life(app, client, smtp_server)
    page = client.get(life.preferences_path).get_data(as_text=True)
    for promise in (
        "Ihre Antworten in Freitextfeldern",
        "Ihr Kontaktwunsch",
        "Ihre Einwilligungsnachweise",
        "Prüfsumme Ihrer Adresse",
        "ohne Verbindung zu Ihnen",
        "Ihr Profil in der Kompetenzlandschaft",
        "nur, dass der Kontakt nicht mehr verfügbar ist",
    ):
        assert promise in page
