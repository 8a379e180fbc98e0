"""Managers keep their region's lists and segments and find the sign-up snippet for
their website; another region's are out of reach."""

from sqlalchemy import select

from core.db import db
from core.models import AuditEntry, Role
from newsletter.audience.models import MailingList, Segment
from tests.http import submit


def list_named(app, name):
    with app.app_context():
        found = db.session.scalar(select(MailingList).where(MailingList.name == name))
        if found is not None:
            db.session.expunge(found)
        return found


def segment_of(app, region_id):
    with app.app_context():
        segment = Segment(name="Start-ups", region_id=region_id, filters={})
        db.session.add(segment)
        db.session.commit()
        return segment.id


def test_a_manager_creates_a_list_for_her_region(app, client, login_as, region_ids):
    login_as(Role.MANAGER, "dortmund")
    page = submit(
        client,
        "/lists",
        data={
            "name": "Gründungsnews",
            "name_en": "Start-up news",
            "region_id": str(region_ids["dortmund"]),
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Der Verteiler „Gründungsnews“ ist angelegt." in page
    made = list_named(app, "Gründungsnews")
    assert (made.region_id, made.name_en) == (region_ids["dortmund"], "Start-up news")
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action)) == "create"


def test_a_regional_manager_cannot_create_a_list_for_the_other_region(
    app, client, login_as, region_ids
):
    login_as(Role.MANAGER, "dortmund")
    submit(
        client,
        "/lists",
        data={"name": "Untergeschoben", "region_id": str(region_ids["suedwestfalen"])},
    )
    assert list_named(app, "Untergeschoben") is None


def test_an_interregional_manager_creates_a_joint_list(app, client, login_as):
    login_as(Role.MANAGER)
    submit(client, "/lists", data={"name": "Gemeinsam", "region_id": "0"})
    assert list_named(app, "Gemeinsam").region_id is None


def test_a_segment_is_deleted_by_its_regions_manager_only(
    app, client, login_as, region_ids
):
    theirs = segment_of(app, region_ids["suedwestfalen"])
    joint = segment_of(app, None)
    mine = segment_of(app, region_ids["dortmund"])
    login_as(Role.MANAGER, "dortmund")
    for other in (theirs, joint, 999):
        response = submit(client, "/segments", f"/segments/{other}/delete")
        assert response.status_code == 404, other
    page = submit(
        client, "/segments", f"/segments/{mine}/delete", follow_redirects=True
    ).get_data(as_text=True)
    assert "Das Segment ist gelöscht." in page
    with app.app_context():
        assert set(db.session.scalars(select(Segment.id))) == {theirs, joint}


def test_the_sign_up_snippet_points_to_her_regions_page_only(client, login_as):
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/signup-snippet").get_data(as_text=True)
    assert "/anmelden/dortmund" in page
    assert "/anmelden/suedwestfalen" not in page
