"""A manager acts only for the lists of the controller she works for: a regional
manager for her region's lists, an interregional manager for the joint list. What
belongs to another controller's lists is neither shown nor changed, on every route
and for every id in a form (404, as for anything that does not exist)."""

import pytest
from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.audience.models import ConsentEvent, Segment, Subscriber
from tests import factories
from tests.http import csrf_token, login

JOINT = "brueckenschlag-interregional"
SWF = "newsletter-suedwestfalen"
DO = "newsletter-dortmund"


@pytest.fixture
def people(app) -> dict[str, int]:
    """Who is on which list (the region is where the record began)."""
    with app.app_context():
        made = {
            "dora": factories.subscriber(
                db.session, email="dora@example.org", region="dortmund", lists=[DO]
            ),
            "jan": factories.subscriber(
                db.session,
                email="jan@example.org",
                region="dortmund",
                lists=[DO, JOINT],
            ),
            "sven": factories.subscriber(
                db.session,
                email="sven@example.org",
                region="suedwestfalen",
                lists=[SWF, JOINT],
            ),
            "jo": factories.subscriber(
                db.session,
                email="jo@example.org",
                region="suedwestfalen",
                lists=[JOINT],
            ),
            "mia": factories.subscriber(
                db.session, email="mia@example.org", region="dortmund", lists=[DO]
            ),
        }
        # Mia joined Südwestfalen's list on its page as well.
        factories.subscriber(
            db.session, email="mia@example.org", region="suedwestfalen", lists=[SWF]
        )
        return {name: person.id for name, person in made.items()}


def manager(app, make_user, region: str | None):
    client = app.test_client()
    login(client, make_user(Role.MANAGER, region).email)
    return client


def emails_listed(client, query: str = "") -> set[str]:
    page = client.get(f"/subscribers{query}").get_data(as_text=True)
    return {
        e for e in ("dora", "jan", "sven", "jo", "mia") if f"{e}@example.org" in page
    }


def test_a_regional_manager_sees_the_people_of_her_lists_only(
    app, make_user, people, list_ids
):
    swf = manager(app, make_user, "suedwestfalen")
    assert emails_listed(swf) == {"sven", "mia"}
    assert emails_listed(swf, f"?list_id={list_ids[JOINT]}") == set()
    exported = swf.get("/subscribers/export.csv").get_data(as_text=True)
    assert "sven@example.org" in exported
    assert "mia@example.org" in exported
    for other in ("dora", "jan", "jo"):
        assert f"{other}@example.org" not in exported
    home = swf.get("/").get_data(as_text=True)
    assert "Brückenschlag interregional" not in home
    assert "Brückenschlag interregional" not in swf.get("/lists").get_data(as_text=True)


def test_the_joint_list_is_the_interregional_managers(app, make_user, people):
    joint = manager(app, make_user, None)
    assert emails_listed(joint) == {"jan", "sven", "jo"}
    assert joint.get(f"/subscribers/{people['dora']}").status_code == 404


@pytest.mark.parametrize("who", ["dora", "jan", "jo"])
def test_every_route_answers_404_for_a_person_of_another_controller(
    app, make_user, people, who
):
    swf = manager(app, make_user, "suedwestfalen")
    token = csrf_token(swf.get("/subscribers").get_data(as_text=True))
    person = people[who]
    for path in ("", "/edit", "/data", "/data.json"):
        assert swf.get(f"/subscribers/{person}{path}").status_code == 404, path
    for path in ("/edit", "/erase"):
        posted = swf.post(f"/subscribers/{person}{path}", data={"csrf_token": token})
        assert posted.status_code == 404, path
    with app.app_context():
        assert db.session.get(Subscriber, person).email == f"{who}@example.org"


def test_a_regional_manager_cannot_act_on_the_joint_list_of_her_own_people(
    app, make_user, people, list_ids
):
    swf = manager(app, make_user, "suedwestfalen")
    page = swf.get(f"/subscribers/{people['sven']}").get_data(as_text=True)
    assert "Brückenschlag interregional" not in page
    left = swf.post(
        f"/subscribers/{people['sven']}/unsubscribe/{list_ids[JOINT]}",
        data={"csrf_token": csrf_token(page)},
    )
    assert left.status_code == 404
    # Mia's Dortmund subscription and its consent log are Dortmund's.
    page = swf.get(f"/subscribers/{people['mia']}").get_data(as_text=True)
    assert "Newsletter Dortmund" not in page
    data = swf.get(f"/subscribers/{people['mia']}/data.json").get_json()
    assert [s["list"] for s in data["subscriptions"]] == ["Newsletter Südwestfalen"]
    assert {e["list"] for e in data["consent_log"]} == {"Newsletter Südwestfalen"}
    with app.app_context():
        sven = db.session.get(Subscriber, people["sven"])
        assert {s.status for s in sven.subscriptions} == {"active"}


def test_ids_of_other_lists_in_forms_are_refused(app, make_user, people, list_ids):
    swf = manager(app, make_user, "suedwestfalen")
    page = swf.get("/subscribers/import").get_data(as_text=True)
    assert f'name="lists" type="checkbox" value="{list_ids[JOINT]}"' not in page
    for foreign in (JOINT, DO):
        upload = swf.post(
            "/subscribers/import",
            data={
                "csrf_token": csrf_token(page),
                "lists": [str(list_ids[foreign])],
            },
        )
        assert upload.status_code == 404, foreign
    page = swf.get("/subscribers/new").get_data(as_text=True)
    assert f'name="lists" type="checkbox" value="{list_ids[JOINT]}"' not in page
    swf.post(
        "/segments",
        data={
            "csrf_token": csrf_token(page),
            "name": "Gemeinsame",
            "list_id": str(list_ids[JOINT]),
        },
    )
    with app.app_context():
        [segment] = db.session.scalars(select(Segment)).all()
        assert "list_id" not in segment.filters
    listed = swf.get("/segments").get_data(as_text=True)
    assert "Gemeinsame" in listed


def test_an_interregional_manager_erases_only_the_joint_part(
    app, make_user, people, list_ids
):
    joint = manager(app, make_user, None)
    page = joint.get(f"/subscribers/{people['sven']}").get_data(as_text=True)
    assert "Newsletter Südwestfalen" not in page
    erased = joint.post(
        f"/subscribers/{people['sven']}/erase", data={"csrf_token": csrf_token(page)}
    )
    assert erased.status_code == 302
    with app.app_context():
        sven = db.session.get(Subscriber, people["sven"])
        assert sven.email == "sven@example.org"  # Südwestfalen's data stays
        assert [s.list_id for s in sven.subscriptions] == [list_ids[SWF]]
        lists = set(
            db.session.scalars(
                select(ConsentEvent.list_id).where(
                    ConsentEvent.subscriber_id == sven.id
                )
            )
        )
        assert lists == {list_ids[SWF]}
    assert joint.get(f"/subscribers/{people['sven']}").status_code == 404
    # Jo was only on the joint list: she is erased altogether.
    page = joint.get(f"/subscribers/{people['jo']}").get_data(as_text=True)
    joint.post(
        f"/subscribers/{people['jo']}/erase", data={"csrf_token": csrf_token(page)}
    )
    with app.app_context():
        assert db.session.get(Subscriber, people["jo"]).email is None


def test_details_another_controller_also_holds_are_shown_read_only(
    app, make_user, people
):
    """Mia's name and organisation are one record that Dortmund and Südwestfalen
    both hold: neither manager changes them for the other; Mia does, herself."""
    dortmund = manager(app, make_user, "dortmund")
    detail = dortmund.get(f"/subscribers/{people['mia']}").get_data(as_text=True)
    assert f"/subscribers/{people['mia']}/edit" not in detail
    page = dortmund.get(f"/subscribers/{people['mia']}/edit").get_data(as_text=True)
    assert "auch in Listen eines anderen Verantwortlichen eingetragen" in page
    assert "in ihren Einstellungen" in page
    assert 'name="name"' not in page
    forged = dortmund.post(
        f"/subscribers/{people['mia']}/edit",
        data={
            "csrf_token": csrf_token(page),
            "name": "Überschrieben",
            "organisation": "Fremde GmbH",
            "language": "en",
        },
    )
    assert forged.status_code == 403
    with app.app_context():
        mia = db.session.get(Subscriber, people["mia"])
        assert (mia.name, mia.organisation, mia.language) == ("", "", "de")
        assert {s.status for s in mia.subscriptions} == {"active"}


def test_a_manager_edits_the_details_of_a_person_only_her_controller_holds(
    app, make_user, people
):
    dortmund = manager(app, make_user, "dortmund")
    page = dortmund.get(f"/subscribers/{people['dora']}/edit").get_data(as_text=True)
    assert "anderen Verantwortlichen" not in page
    saved = dortmund.post(
        f"/subscribers/{people['dora']}/edit",
        data={"csrf_token": csrf_token(page), "name": "Dora Wiese", "language": "de"},
    )
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Subscriber, people["dora"]).name == "Dora Wiese"
    # Jan is on the joint list too: the interregional manager only reads him.
    joint = manager(app, make_user, None)
    page = joint.get(f"/subscribers/{people['jan']}/edit").get_data(as_text=True)
    assert 'name="name"' not in page
    forged = joint.post(
        f"/subscribers/{people['jan']}/edit",
        data={"csrf_token": csrf_token(page), "name": "X", "language": "de"},
    )
    assert forged.status_code == 403
