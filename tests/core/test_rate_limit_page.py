"""Somebody who sent a form too often is told in German how long to wait, on a page
with the agency's imprint, and the Retry-After header says the same time."""

import math
import re

from tests.http import csrf_token, login

FORGOTTEN = "Bitte warten Sie"


def minutes_on(page: str) -> int:
    match = re.search(r"Bitte warten Sie (?:ca\. )?(\d+) Minuten?", page)
    assert match, page
    return int(match.group(1))


def test_too_many_sign_ups_name_the_real_wait_and_send_retry_after(
    app, client, list_ids
):
    app.config["SIGNUP_RATE_LIMIT"] = "2 per hour"
    form = client.get("/anmelden/dortmund").text
    data = {
        "csrf_token": csrf_token(form),
        "email": "x@example.org",
        "lists": [str(list_ids["newsletter-dortmund"])],
        "consent": "y",
    }
    for _ in range(2):
        assert client.post("/anmelden/dortmund", data=data).status_code != 429
    refused = client.post("/anmelden/dortmund", data=data)
    assert refused.status_code == 429
    seconds = int(refused.headers["Retry-After"])
    assert 3500 <= seconds <= 3600  # the first sign-up leaves the window in an hour
    page = refused.text
    assert minutes_on(page) == math.ceil(seconds / 60)
    footer = page.split('<footer class="site-footer">')[-1]
    assert "Wirtschaftsförderung Dortmund" in footer  # the region's imprint
    assert "/datenschutz/dortmund" in footer


def test_an_account_that_must_wait_gets_the_same_page_and_header(
    app, client, make_user
):
    user = make_user("manager", "dortmund")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, user.email, "falsch-falsch-falsch")
    refused = login(client, user.email, "falsch-falsch-falsch")
    assert refused.status_code == 429
    seconds = int(refused.headers["Retry-After"])
    assert 0 < seconds <= 60
    page = refused.text
    assert minutes_on(page) == math.ceil(seconds / 60)
    footer = page.split('<footer class="site-footer">')[-1]
    assert "Impressum" in footer
