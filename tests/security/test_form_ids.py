"""Every id a form names is checked against the user's region, not only ids in URLs:
a Dortmund manager can neither use nor point at Südwestfalen's objects (404)."""

from sqlalchemy import func, select

from core.db import db
from core.models import Region, Role
from newsletter.audience.models import MailingList, Segment
from newsletter.campaigns.models import BlockTemplate, Campaign
from tests import factories
from tests.http import csrf_token


def region_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Region.id).where(Region.slug == slug))


def list_of(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(MailingList.id).where(MailingList.slug == f"newsletter-{slug}")
        )


def swf_template(app) -> int:
    with app.app_context():
        template = BlockTemplate(
            name="Vorlage SWF",
            region_id=region_id(app, "suedwestfalen"),
            blocks={"de": [{"id": "h", "type": "heading", "text": "Geheim SWF"}]},
        )
        db.session.add(template)
        db.session.commit()
        return template.id


def swf_segment(app) -> int:
    with app.app_context():
        segment = Segment(name="SWF-Segment", region_id=region_id(app, "suedwestfalen"))
        db.session.add(segment)
        db.session.commit()
        return segment.id


def campaign_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Campaign))


def token(client, path: str) -> str:
    return csrf_token(client.get(path).get_data(as_text=True))


def test_another_regions_template_cannot_start_an_issue(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    template_id = swf_template(app)
    response = client.post(
        "/campaigns/new",
        data={
            "csrf_token": token(client, "/campaigns"),
            "start": f"template:{template_id}",
        },
    )
    assert response.status_code == 404
    assert campaign_count(app) == 0


def test_another_regions_issue_cannot_start_an_issue(app, client, login_as):
    from tests import factories

    swf_issue = factories.made_in(app, factories.campaign, region="suedwestfalen")
    login_as(Role.MANAGER, "dortmund")
    for start in (f"issue:{swf_issue}", "issue:99999999999", "issue:x"):
        response = client.post(
            "/campaigns/new",
            data={"csrf_token": token(client, "/campaigns"), "start": start},
        )
        assert response.status_code == 404, start
    assert campaign_count(app) == 1


def test_the_template_choice_offers_only_the_users_region(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    swf_template(app)
    assert "Vorlage SWF" not in client.get("/campaigns").get_data(as_text=True)


def test_a_region_that_does_not_exist_is_404(app, client, login_as):
    login_as(Role.MANAGER)  # interregional: may choose a region, but a real one
    response = client.post(
        "/campaigns/new",
        data={"csrf_token": token(client, "/campaigns"), "region_id": 987654},
    )
    assert response.status_code == 404
    assert campaign_count(app) == 0


def settings(client, campaign_id: int, **fields):
    path = f"/campaigns/{campaign_id}"
    data = {"csrf_token": token(client, path), "title": "Märzausgabe", **fields}
    return client.post(path, data=data)


def test_another_regions_list_cannot_be_targeted(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    response = settings(client, campaign_id, lists=[list_of(app, "suedwestfalen")])
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).list_ids == [
            list_of(app, "dortmund")
        ]


def test_another_regions_segment_cannot_be_targeted(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    response = settings(client, campaign_id, segments=[swf_segment(app)])
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).segment_ids == []


def survey_block(app, campaign_id: int, kind: str) -> str:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        block = {"id": "s1", "type": kind, "survey": "", "intro": "", "heading": ""}
        campaign.blocks = {"de": [block]}
        db.session.commit()
    return "s1"


def test_another_regions_survey_cannot_be_embedded(app, client, login_as):
    swf_survey = factories.made_in(app, factories.survey, region="suedwestfalen")
    login_as(Role.MANAGER, "dortmund")
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    for kind in ("survey_question", "survey_results"):
        block_id = survey_block(app, campaign_id, kind)
        path = f"/campaigns/{campaign_id}"
        page = client.get(path).get_data(as_text=True)
        assert "Was brauchen Sie?" not in page  # not offered
        for target in (path, f"{path}/draft"):  # the editor and its autosave
            response = client.post(
                f"{target}?lang=de",
                data={
                    "csrf_token": csrf_token(page),
                    "block": block_id,
                    f"b-{block_id}-survey": str(swf_survey),
                },
                headers={"Accept": "application/json"},  # as the editor's script
            )
            assert response.status_code == 404, (kind, target)
        # The autosave says what happened (a list or survey may have been deleted
        # meanwhile), not "an unexpected error".
        assert "nicht mehr verfügbar" in response.get_json()["message"]
        assert "bleibt im Formular" in response.get_json()["message"]
        with app.app_context():
            saved = db.session.get(Campaign, campaign_id).blocks["de"][0]
        assert saved["survey"] == "", kind


def test_the_own_regions_survey_can_be_embedded(app, client, login_as):
    own = factories.made_in(app, factories.survey, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    block_id = survey_block(app, campaign_id, "survey_question")
    path = f"/campaigns/{campaign_id}"
    page = client.get(path).get_data(as_text=True)
    assert "Was brauchen Sie?" in page
    response = client.post(
        f"{path}?lang=de",
        data={
            "csrf_token": csrf_token(page),
            "block": block_id,
            f"b-{block_id}-survey": str(own),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).blocks["de"][0]["survey"] == str(
            own
        )


def district_of(app, slug: str) -> int:
    from core.models import District

    with app.app_context():
        return db.session.scalar(
            select(District.id)
            .join(Region, Region.id == District.region_id)
            .where(Region.slug == slug)
        )


def test_a_subscriber_cannot_be_put_on_another_regions_list_or_district(
    app, client, login_as
):
    from newsletter.audience.models import Subscriber

    login_as(Role.MANAGER, "dortmund")
    page = client.get("/subscribers/new").get_data(as_text=True)
    response = client.post(
        "/subscribers/new",
        data={
            "csrf_token": csrf_token(page),
            "email": "eve@example.org",
            "region_id": region_id(app, "suedwestfalen"),
            "lists": [list_of(app, "suedwestfalen")],
            "district_id": district_of(app, "suedwestfalen"),
        },
    )
    assert response.status_code in (200, 400, 404)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 0


def test_an_import_cannot_go_to_another_regions_list(app, client, login_as):
    import io

    from newsletter.audience.models import ImportBatch

    login_as(Role.MANAGER, "dortmund")
    page = client.get("/subscribers/import").get_data(as_text=True)
    response = client.post(
        "/subscribers/import",
        data={
            "csrf_token": csrf_token(page),
            "region_id": region_id(app, "suedwestfalen"),
            "lists": [str(list_of(app, "suedwestfalen"))],
            "file": (io.BytesIO(b"email\r\nx@example.org\r\n"), "k.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 400, 404)
    with app.app_context():
        batches = db.session.scalars(select(ImportBatch)).all()
        assert all(b.region_id == region_id(app, "dortmund") for b in batches)
        assert all(list_of(app, "suedwestfalen") not in b.list_ids for b in batches)


def test_a_survey_cannot_be_made_for_a_region_that_does_not_exist(
    app, client, login_as
):
    from surveys.models import Survey

    login_as(Role.MANAGER)  # interregional
    page = client.get("/surveys").get_data(as_text=True)
    response = client.post(
        "/surveys",
        data={"csrf_token": csrf_token(page), "title": "X", "region_id": 987654},
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_a_regional_manager_makes_surveys_only_for_her_region(app, client, login_as):
    from surveys.models import Survey

    login_as(Role.MANAGER, "dortmund")
    page = client.get("/surveys").get_data(as_text=True)
    client.post(
        "/surveys",
        data={
            "csrf_token": csrf_token(page),
            "title": "X",
            "region_id": region_id(app, "suedwestfalen"),
        },
    )
    with app.app_context():
        regions = set(db.session.scalars(select(Survey.region_id)))
    assert regions <= {region_id(app, "dortmund")}
