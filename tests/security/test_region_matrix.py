"""The route × role × region matrix (#14.2): every private route that names an object,
opened by a manager of the other region with the other region's object, with every
method it takes, is 403 or 404 and changes nothing. A route added later with an
argument this file does not know fails here until its object joins the world below."""

import io
import json

import pytest
from sqlalchemy import select

from core.db import db
from core.models import District, Role
from newsletter.audience.export_jobs import order_export
from newsletter.audience.filters import SubscriberFilter
from newsletter.audience.models import ImportBatch, Segment
from newsletter.campaigns.models import BlockTemplate, Campaign, Image
from tests import factories
from tests.http import csrf_token, login
from tests.landscape.people import public_profile
from tests.schema import reflected_tables

OTHER = {"dortmund": "suedwestfalen", "suedwestfalen": "dortmund"}
# Written by any request (logins, audit, throttling), not objects of a region.
BOOKKEEPING = {"audit_log", "login_sessions", "throttle_events", "users"}
# Arguments that name no object of a region: a fixed value is enough.
PLAIN_ARGUMENTS = {"fmt": "xlsx", "decision": "freigeben"}
# Pages for administrators only (403 to every manager, tested in test_route_security)
# and the development mailbox (404 in production), which name no region's object.
NOT_REGIONAL = ("/admin/", "/dev/mailbox/")


def world(app, make_user, region: str) -> dict[str, object]:
    """One object of every kind a route names, all of `region`, made by its own
    manager, by the name of the route argument that names it."""
    owner = make_user(Role.MANAGER, region, email=f"owner-{region}@example.org")
    with app.app_context():
        own_list = factories.newsletter_list(db.session, region)
        person = factories.subscriber(
            db.session, email=f"person-{region}@example.org", region=region
        )
        campaign = factories.campaign(db.session, region=region)
        survey = factories.survey(db.session, region=region)
        region_id = factories.find_region(db.session, region).id
        segment = Segment(name="Start-ups", region_id=region_id, filters={})
        batch = ImportBatch(
            region_id=region_id,
            user_id=owner.id,
            filename="kontakte.csv",
            data={"headers": ["email"], "rows": [["x@example.org"]], "mapping": {}},
            list_ids=[own_list.id],
        )
        template = BlockTemplate(
            name=f"Vorlage {region}",
            region_id=region_id,
            blocks={"de": [{"id": "h", "type": "heading", "text": "Vorlage"}]},
        )
        # Dortmund is one city: a district of its own for this test.
        district = db.session.scalar(
            select(District).where(District.region_id == region_id)
        ) or District(name="Innenstadt-Nord", region_id=region_id)
        db.session.add_all([segment, batch, template, district])
        export = order_export(db.session, owner.id, {region_id}, SubscriberFilter())
        campaign.blocks = {
            "de": [
                {"id": "q", "type": "survey_question", "survey": ""},
                {"id": "r", "type": "survey_results", "survey": ""},
            ]
        }
        db.session.commit()
        made = {
            "subscriber_id": person.id,
            "list_id": own_list.id,
            "campaign_id": campaign.id,
            "survey_id": survey.id,
            "segment_id": segment.id,
            "batch_id": batch.id,
            "export_id": export.id,
            # Named by forms only:
            "template_id": template.id,
            "region_id": region_id,
            "district_id": district.id,
            "question_id": survey.questions[0].id,
        }
    made["profile_id"] = public_profile(
        app,
        f"profil-{region}@example.org",
        region,
        "Werkzeugbau Becker GmbH",
        needs=["fachkraefte"],
        offers=["ki-daten"],
    ).profile_id
    made["region_slug"] = region
    return made


def regional_routes(app) -> list[tuple[str, str, list[str]]]:
    """(rule, method, argument names) of every private route that names an object."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint == "static" or getattr(view, "is_public", False):
            continue
        if rule.arguments <= PLAIN_ARGUMENTS.keys():
            continue  # names no object (the export of one's own people)
        if rule.rule.startswith(NOT_REGIONAL):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.rule, method, sorted(rule.arguments)))
    return found


def url_for_rule(rule: str, objects: dict[str, object]) -> str:
    url = rule
    for name, value in {**PLAIN_ARGUMENTS, **objects}.items():
        url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    assert "<" not in url, f"{rule}: an argument the matrix does not know"
    return url


def snapshot(app) -> dict[str, list[str]]:
    """Every row of every table but the bookkeeping ones, as text."""
    with app.app_context():
        return {
            table.name: sorted(
                json.dumps(list(row), default=str)
                for row in db.session.execute(select(table))
            )
            for table in reflected_tables(db.engine)
            if table.name not in BOOKKEEPING
        }


@pytest.mark.parametrize("region", ["dortmund", "suedwestfalen"])
def test_a_manager_reaches_no_object_of_the_other_region_on_any_route(
    app, make_user, region
):
    foreign = world(app, make_user, OTHER[region])
    manager = app.test_client()
    login(manager, make_user(Role.MANAGER, region).email)
    token = csrf_token(manager.get("/subscribers").get_data(as_text=True))
    before = snapshot(app)
    answers = {}
    for rule, method, arguments in regional_routes(app):
        for argument in arguments:
            assert argument in foreign or argument in PLAIN_ARGUMENTS, (
                f"{rule}: which object does <{argument}> name?"
            )
        url = url_for_rule(rule, foreign)
        data = {"csrf_token": token} if method == "POST" else None
        answers[f"{method} {url}"] = manager.open(url, method=method, data=data)
    wrong = {
        call: response.status_code
        for call, response in answers.items()
        if response.status_code not in (403, 404)
    }
    assert not wrong, wrong
    assert snapshot(app) == before


def test_the_matrix_walks_every_kind_of_object(app):
    named = {name for _rule, _method, args in regional_routes(app) for name in args}
    assert named >= {
        "subscriber_id",
        "list_id",
        "campaign_id",
        "survey_id",
        "segment_id",
        "batch_id",
        "export_id",
        "profile_id",
        "region_slug",
    }


# Every form field that names an object: (the page whose form it is, what is posted
# there), given the manager's own objects and the other region's.
FORM_FIELDS = {
    "template of a new issue": lambda own, other: (
        "/campaigns/new",
        {"start": f"template:{other['template_id']}"},
    ),
    "issue copied into a new one": lambda own, other: (
        "/campaigns/new",
        {"start": f"issue:{other['campaign_id']}"},
    ),
    "region of a new issue": lambda own, other: (
        "/campaigns/new",
        {"region_id": other["region_id"]},
    ),
    "list of an issue": lambda own, other: (
        f"/campaigns/{own['campaign_id']}",
        {"title": "Märzausgabe", "lists": [other["list_id"]]},
    ),
    "segment of an issue": lambda own, other: (
        f"/campaigns/{own['campaign_id']}",
        {"title": "Märzausgabe", "segments": [other["segment_id"]]},
    ),
    "survey in a question block": lambda own, other: (
        f"/campaigns/{own['campaign_id']}?lang=de",
        {"block": ["q", "r"], "b-q-survey": other["survey_id"]},
    ),
    "survey in a results block": lambda own, other: (
        f"/campaigns/{own['campaign_id']}?lang=de",
        {"block": ["q", "r"], "b-r-survey": other["survey_id"]},
    ),
    "survey in a block, autosaved": lambda own, other: (
        f"/campaigns/{own['campaign_id']}/draft?lang=de",
        {"block": ["q", "r"], "b-q-survey": other["survey_id"]},
    ),
    "list of a new subscriber": lambda own, other: (
        "/subscribers/new",
        {"email": "neu@example.org", "lists": [other["list_id"]]},
    ),
    "district of a new subscriber": lambda own, other: (
        "/subscribers/new",
        {"email": "neu@example.org", "district_id": other["district_id"]},
    ),
    "region of a new subscriber": lambda own, other: (
        "/subscribers/new",
        {"email": "neu@example.org", "region_id": other["region_id"]},
    ),
    "district of a subscriber": lambda own, other: (
        f"/subscribers/{own['subscriber_id']}/edit",
        {"language": "de", "district_id": other["district_id"]},
    ),
    "list of an import": lambda own, other: (
        "/subscribers/import",
        {"lists": [other["list_id"]], "file": "email\r\nx@example.org\r\n"},
    ),
    "region of an import": lambda own, other: (
        "/subscribers/import",
        {"region_id": other["region_id"], "file": "email\r\nx@example.org\r\n"},
    ),
    "region of a new list": lambda own, other: (
        "/lists",
        {"name": "Fremde Liste", "region_id": other["region_id"]},
    ),
    "region of a new survey": lambda own, other: (
        "/surveys",
        {"title": "Fremde Umfrage", "region_id": other["region_id"]},
    ),
    "seeker of an introduction": lambda own, other: (
        "/kompetenzlandschaft/vorstellungen",
        {"seeker": other["profile_id"], "provider": own["profile_id"]},
    ),
}


def form_post(client, path: str, data: dict) -> int:
    """Post the page's form with `data` (a file as an upload), the form token
    taken from a page of the same user; the status code."""
    token = csrf_token(client.get("/subscribers").get_data(as_text=True))
    fields = {"csrf_token": token, **data}
    if "file" in fields:
        fields["file"] = (io.BytesIO(fields["file"].encode()), "kontakte.csv")
    response = client.post(
        path,
        data=fields,
        headers={"Accept": "application/json"},
        content_type="multipart/form-data",
    )
    return response.status_code


@pytest.mark.parametrize("field", FORM_FIELDS)
@pytest.mark.parametrize("region", ["dortmund", "suedwestfalen"])
def test_no_form_field_names_an_object_of_the_other_region(
    app, make_user, region, field
):
    own = world(app, make_user, region)
    other = world(app, make_user, OTHER[region])
    manager = app.test_client()
    login(manager, make_user(Role.MANAGER, region).email)
    before = snapshot(app)
    path, data = FORM_FIELDS[field](own, other)
    assert form_post(manager, path, data) == 404
    assert snapshot(app) == before


def test_another_regions_question_in_the_builders_order_is_left_alone(app, make_user):
    own = world(app, make_user, "dortmund")
    other = world(app, make_user, "suedwestfalen")
    manager = app.test_client()
    login(manager, make_user(Role.MANAGER, "dortmund").email)
    theirs = {t: rows for t, rows in snapshot(app).items() if t == "questions"}
    path = f"/surveys/{own['survey_id']}/draft"
    assert form_post(manager, path, {"question": [other["question_id"]]}) == 200
    assert {t: rows for t, rows in snapshot(app).items() if t == "questions"} == theirs


def test_a_picture_field_takes_an_upload_never_another_regions_picture(app, make_user):
    """A picture is named by no id in a form: the field takes an upload, stored for
    the issue's region; a posted file name of another region's picture is left
    unused."""
    own = world(app, make_user, "dortmund")
    with app.app_context():
        theirs = Image(
            filename="suedwestfalen-geheim.png",
            width=10,
            height=10,
            region_id=factories.find_region(db.session, "suedwestfalen").id,
        )
        campaign = db.session.get(Campaign, own["campaign_id"])
        campaign.blocks = {"de": [{"id": "i", "type": "image", "image": ""}]}
        db.session.add(theirs)
        db.session.commit()
    manager = app.test_client()
    login(manager, make_user(Role.MANAGER, "dortmund").email)
    path = f"/campaigns/{own['campaign_id']}"
    for target in (f"{path}?lang=de", f"{path}/draft?lang=de"):
        form_post(
            manager,
            target,
            {"block": ["i"], "b-i-image": "suedwestfalen-geheim.png"},
        )
        with app.app_context():
            block = db.session.get(Campaign, own["campaign_id"]).blocks["de"][0]
        assert block["image"] == "", target


def test_an_analyst_gets_aggregates_of_both_regions_and_nothing_else(app, make_user):
    """The role axis: an analyst opens every route that names an object of either
    region; only the aggregate analysis answers, everything else is 403."""
    worlds = [world(app, make_user, region) for region in OTHER]
    analyst = app.test_client()
    login(analyst, make_user(Role.ANALYST).email)
    token = csrf_token(analyst.get("/").get_data(as_text=True))
    before = snapshot(app)
    wrong = {}
    for objects in worlds:
        for rule, method, _arguments in regional_routes(app):
            url = url_for_rule(rule, objects)
            data = {"csrf_token": token} if method == "POST" else None
            status = analyst.open(url, method=method, data=data).status_code
            endpoint = app.url_map.bind("").match(url, method=method)[0]
            aggregate = app.view_functions[endpoint].permission == "analysis"
            if status != (200 if aggregate else 403):
                wrong[f"{method} {url}"] = status
    assert not wrong, wrong
    assert snapshot(app) == before
