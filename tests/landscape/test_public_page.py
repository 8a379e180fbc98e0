"""Item 2 of #19: the public Kompetenzlandschaft per region and for both, by topic,
type and place, with a search; approved profiles only, nothing personal beyond what
was consented, nothing loaded from other sites."""

import re

from core.db import db
from core.models import Role
from landscape.models import Profile
from tests.landscape.people import confirm_profile, person, public_profile


def shown(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, path
    return page.get_data(as_text=True)


def test_each_region_shows_its_own_and_the_joint_page_both(app, client):
    public_profile(
        app,
        "a@example.org",
        "suedwestfalen",
        "Sauerland Metall GmbH",
        needs=["ki-daten"],
        place="Kreis Olpe",
    )
    public_profile(
        app,
        "b@example.org",
        "dortmund",
        "Daten-Labor TU",
        offers=["ki-daten"],
        org_type="university",
    )

    both = shown(client, "/kompetenzlandschaft")
    swf = shown(client, "/kompetenzlandschaft/suedwestfalen")
    dortmund = shown(client, "/kompetenzlandschaft/dortmund")

    assert "Sauerland Metall GmbH" in both
    assert "Daten-Labor TU" in both
    assert "Sauerland Metall GmbH" in swf
    assert "Daten-Labor TU" not in swf
    assert "Daten-Labor TU" in dortmund
    assert "Sauerland Metall GmbH" not in dortmund
    assert client.get("/kompetenzlandschaft/atlantis").status_code == 404


def test_filters_by_topic_side_type_place_and_search(app, client):
    public_profile(
        app,
        "a@example.org",
        "suedwestfalen",
        "Sauerland Metall GmbH",
        needs=["ki-daten"],
        place="Kreis Olpe",
    )
    public_profile(
        app,
        "b@example.org",
        "dortmund",
        "Daten-Labor TU",
        offers=["ki-daten"],
        org_type="university",
        place="Dortmund",
    )
    public_profile(
        app,
        "c@example.org",
        "dortmund",
        "Schutzschild Start-up",
        offers=["it-sicherheit"],
        org_type="startup",
        place="Dortmund",
        description="Penetrationstests für den Mittelstand",
    )

    ai = shown(client, "/kompetenzlandschaft?thema=ki-daten")
    assert "Sauerland Metall GmbH" in ai
    assert "Daten-Labor TU" in ai
    assert "Schutzschild" not in ai
    offered = shown(client, "/kompetenzlandschaft?thema=ki-daten&richtung=offer")
    assert "Daten-Labor TU" in offered
    assert "Sauerland Metall" not in offered
    universities = shown(client, "/kompetenzlandschaft?art=university")
    assert "Daten-Labor TU" in universities
    assert "Schutzschild" not in universities
    olpe = shown(client, "/kompetenzlandschaft?ort=Kreis+Olpe")
    assert "Sauerland Metall GmbH" in olpe
    assert "Daten-Labor" not in olpe
    search = shown(client, "/kompetenzlandschaft?q=penetration")
    assert "Schutzschild Start-up" in search
    assert "Daten-Labor" not in search
    assert "1 Organisation" in search
    # Unknown values filter nothing and break nothing.
    odd = shown(client, "/kompetenzlandschaft?thema=unbekannt&art=<b>&page=99999999999")
    assert "<b>" not in odd


def test_only_approved_profiles_and_nothing_personal_is_shown(app, client):
    anna = public_profile(
        app,
        "anna.becker@example.org",
        "dortmund",
        "Werkzeug AG",
        offers=["fachkraefte"],
        name="Anna Becker",
    )
    berta = person(app, "berta@example.org", "dortmund", name="Berta Pending")
    confirm_profile(client, app, berta, "Wartende GmbH", needs=["fachkraefte"])

    listing = shown(client, "/kompetenzlandschaft")
    detail = shown(client, f"/kompetenzlandschaft/organisation/{anna.profile_id}")

    for page in (listing, detail):
        assert "Werkzeug AG" in page
        assert "anna.becker@example.org" not in page
        assert "Anna Becker" not in page
        assert "Wartende GmbH" not in page
    with app.app_context():
        waiting = (
            db.session.query(Profile).filter_by(organisation="Wartende GmbH").one()
        )
    assert (
        client.get(f"/kompetenzlandschaft/organisation/{waiting.id}").status_code == 404
    )
    assert client.get("/kompetenzlandschaft/organisation/99999").status_code == 404


def test_the_page_loads_nothing_from_other_sites(app, client):
    public_profile(
        app, "a@example.org", "dortmund", "Werkzeug AG", offers=["fachkraefte"]
    )
    page = shown(client, "/kompetenzlandschaft")
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page)
    # Links out are the organisations' own websites, opened only when clicked.
    resources = re.findall(
        r'<(?:script|link|img|iframe)[^>]*(?:src|href)="([^"]+)"', page
    )
    assert all(url.startswith("/") for url in resources), resources
    assert "https://werkzeug.example" in loaded
    assert "Content-Security-Policy" in client.get("/kompetenzlandschaft").headers


def test_the_newsletter_block_lists_the_newest_public_profiles(app):
    from newsletter.campaigns.rendering import compile_campaign
    from tests import factories

    public_profile(
        app,
        "a@example.org",
        "dortmund",
        "Werkzeug AG",
        offers=["fachkraefte"],
        place="Dortmund",
    )
    public_profile(
        app,
        "b@example.org",
        "suedwestfalen",
        "Sauerland Metall GmbH",
        offers=["fachkraefte"],
    )
    with app.app_context():
        block = {"id": "n", "type": "landscape_new", "scope": "dortmund"}
        campaign = factories.campaign(db.session, region="dortmund", blocks=[block])
        compiled = compile_campaign(campaign, "de")
    assert "Neu in der Kompetenzlandschaft" in compiled.html
    assert "Werkzeug AG" in compiled.text
    assert "Unternehmen, Dortmund" in compiled.text
    assert "/kompetenzlandschaft/organisation/" in compiled.text
    assert "Sauerland Metall" not in compiled.text


def test_managers_get_a_search_snippet_for_their_own_region(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    page = shown(client, "/kompetenzlandschaft/snippet")
    assert "/kompetenzlandschaft/dortmund" in page
    assert "/kompetenzlandschaft/suedwestfalen" not in page
    assert "&lt;script" not in page
