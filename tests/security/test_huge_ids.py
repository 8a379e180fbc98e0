"""Ids and page numbers too large for the database are 404 (or the last page),
never a 500 (#14.7)."""

import pytest

from core.db import db
from core.models import Role
from tests import factories
from tests.http import csrf_token

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/campaigns/{HUGE}",
        f"/subscribers/{HUGE}",
        f"/surveys/{HUGE}",
        f"/ausgabe/{HUGE}",
        f"/campaigns/{2**31}",
        f"/subscribers/{2**63}",
    ],
)
def test_a_huge_id_in_a_url_is_404(client, login_as, path):
    login_as(Role.ADMIN)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/subscribers", "/admin/audit"])
def test_a_huge_page_number_is_not_an_error(client, login_as, path):
    login_as(Role.ADMIN)
    assert client.get(f"{path}?page={HUGE}").status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", f"template:{HUGE}"),
        ("start", f"issue:{HUGE}"),
        ("region_id", HUGE),
    ],
)
def test_a_huge_id_in_a_form_is_404(client, login_as, field, value):
    login_as(Role.ADMIN)
    page = client.get("/campaigns").get_data(as_text=True)
    response = client.post(
        "/campaigns/new", data={"csrf_token": csrf_token(page), field: value}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("number", [str(2**63), HUGE, "-1", "x"])
def test_a_huge_id_in_a_query_string_is_ignored(app, client, login_as, number):
    """The thank-you page after a survey names the issue that invited the person
    (?c=); a number no issue can have shows the survey's own page (#14.7)."""
    with app.app_context():
        survey_id = factories.survey(db.session).id
    assert client.get(f"/umfrage/{survey_id}/danke?c={number}").status_code == 200
    login_as(Role.ADMIN)
    sample = client.get(f"/subscribers/import/beispiel.csv?region_id={number}")
    assert sample.status_code in (200, 404)
