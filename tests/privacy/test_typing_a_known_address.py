"""Typing or importing an address that another controller holds tells the manager
nothing of it: she sees what her own controller holds (the address, her lists'
subscriptions and consent events), not the other agency's details of the person,
and no hint that the other agency knows her. The other agency's record is left as
it was, and the person is on the new list only once she confirms it."""

import io
import json
import re

import pytest
from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.audience.import_jobs import run_queued_imports
from newsletter.audience.models import Subscriber
from tests import factories
from tests.fixtures.smtp import link_in
from tests.http import csrf_token, login

EMAIL = "yusuf.klein@example.org"
THEIRS = {
    "name": "Yusuf Klein",
    "organisation": "Phoenix Robotik GmbH",
    "sector": "Maschinenbau",
}
HINT = "Listen eines anderen Verantwortlichen"


@pytest.fixture
def yusuf(app) -> int:
    """A person only Dortmund holds, with the details she gave Dortmund."""
    with app.app_context():
        person = factories.subscriber(
            db.session, email=EMAIL, region="dortmund", **THEIRS
        )
        return person.id


def added_by_hand(client, region_ids, list_ids, region: str, email: str) -> str:
    page = client.get("/subscribers/new").get_data(as_text=True)
    response = client.post(
        "/subscribers/new",
        data={
            "csrf_token": csrf_token(page),
            "email": email,
            "name": "Getippter Name",
            "region_id": str(region_ids[region]),
            "lists": [str(list_ids[f"newsletter-{region}"])],
            "language": "de",
        },
    )
    assert response.status_code == 302
    return response.headers["Location"]


def shows_nothing_of_theirs(client, detail_path: str) -> None:
    detail = client.get(detail_path).get_data(as_text=True)
    data = client.get(f"{detail_path}/data.json").get_data(as_text=True)
    printable = client.get(f"{detail_path}/data").get_data(as_text=True)
    for page in (detail, data, printable):
        for value in THEIRS.values():
            assert value not in page
        assert HINT not in page
        assert ">Dortmund<" not in page
        assert '"Dortmund"' not in page
    assert json.loads(data)["profile"]["email"] == EMAIL


def test_adding_an_address_of_another_controller_shows_none_of_its_details(
    app, client, make_user, region_ids, list_ids, yusuf, smtp_server
):
    login(client, make_user(Role.MANAGER, "suedwestfalen").email)
    detail_path = added_by_hand(client, region_ids, list_ids, "suedwestfalen", EMAIL)
    assert detail_path.endswith(f"/subscribers/{yusuf}")
    shows_nothing_of_theirs(client, detail_path)
    listing = client.get("/subscribers?q=yusuf").get_data(as_text=True)
    assert EMAIL in listing
    assert THEIRS["name"] not in listing
    assert THEIRS["organisation"] not in listing
    export = client.get("/subscribers/export.csv").get_data(as_text=True)
    assert EMAIL in export
    assert THEIRS["organisation"] not in export
    with app.app_context():
        person = db.session.get(Subscriber, yusuf)
        assert (person.name, person.region.slug) == (THEIRS["name"], "dortmund")


def test_the_details_show_once_the_person_confirms_the_new_list(
    app, client, make_user, region_ids, list_ids, yusuf, smtp_server
):
    login(client, make_user(Role.MANAGER, "suedwestfalen").email)
    detail_path = added_by_hand(client, region_ids, list_ids, "suedwestfalen", EMAIL)
    link = link_in(smtp_server.to(EMAIL)[-1], "/bestaetigen/")
    client.post(link, data={"csrf_token": csrf_token(client.get(link).text)})
    detail = client.get(detail_path).get_data(as_text=True)
    assert THEIRS["name"] in detail


def test_the_other_direction_keeps_suedwestfalen_apart_from_dortmund(
    app, client, make_user, region_ids, list_ids, smtp_server
):
    with app.app_context():
        person = factories.subscriber(
            db.session, email=EMAIL, region="suedwestfalen", **THEIRS
        )
        person_id = person.id
    login(client, make_user(Role.MANAGER, "dortmund").email)
    detail_path = added_by_hand(client, region_ids, list_ids, "dortmund", EMAIL)
    assert detail_path.endswith(f"/subscribers/{person_id}")
    detail = client.get(detail_path).get_data(as_text=True)
    for value in THEIRS.values():
        assert value not in detail
    assert HINT not in detail
    assert ">Südwestfalen<" not in detail


def test_an_import_with_consent_does_not_activate_or_show_another_controllers_person(
    app, client, make_user, list_ids, yusuf, smtp_server
):
    login(client, make_user(Role.MANAGER, "suedwestfalen").email)
    page = client.get("/subscribers/import").get_data(as_text=True)
    uploaded = client.post(
        "/subscribers/import",
        data={
            "csrf_token": csrf_token(page),
            "lists": [str(list_ids["newsletter-suedwestfalen"])],
            "file": (
                io.BytesIO(f"E-Mail;Einwilligung\n{EMAIL};Messe\n".encode()),
                "messe.csv",
            ),
        },
        content_type="multipart/form-data",
    )
    review = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert HINT not in review
    client.post(
        re.search(r'action="([^"]+/apply)"', review).group(1),
        data={"csrf_token": csrf_token(review)},
    )
    with app.app_context():
        run_queued_imports()
        person = db.session.scalar(select(Subscriber).where(Subscriber.email == EMAIL))
        lists = {s.mailing_list.slug: s.status for s in person.subscriptions}
        assert lists == {
            "newsletter-dortmund": "active",
            "newsletter-suedwestfalen": "pending",
        }
        assert person.name == THEIRS["name"]
    assert "Südwestfalen" in smtp_server.to(EMAIL)[-1]["From"]
    shows_nothing_of_theirs(client, f"/subscribers/{yusuf}")
