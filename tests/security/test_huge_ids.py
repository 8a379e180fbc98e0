"""Ids and page numbers too large for the database are 404 (or the last page),
never a 500 (#14.7)."""

import pytest

from core.models import Role
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
