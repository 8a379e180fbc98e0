"""Each controller's data is its own: an import check tells a manager what her own
lists hold, never that an address is known to another controller. An address of
another controller's list is treated as any new one (the opt-in mail, from the
importing controller) and its data elsewhere is left as it is."""

import io
import re

from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.audience.import_jobs import run_queued_imports
from newsletter.audience.models import Subscriber
from tests import factories
from tests.fixtures.smtp import text_of
from tests.http import csrf_token, login

FILE = (
    "email,name,organisation\n"
    "dora@example.org,D. Importiert,Andere GmbH\n"
    "sven@example.org,Sven S.,Sauerland AG\n"
    "neu@example.org,Nora Neu,Neu KG\n"
)


def review_of_import(client, list_id: int) -> str:
    page = client.get("/subscribers/import").get_data(as_text=True)
    uploaded = client.post(
        "/subscribers/import",
        data={
            "csrf_token": csrf_token(page),
            "lists": [str(list_id)],
            "file": (io.BytesIO(FILE.encode()), "kontakte.csv"),
        },
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302
    return client.get(uploaded.headers["Location"]).get_data(as_text=True)


def row_of(review: str, email: str) -> str:
    """The report's row of the address, without its number and the address."""
    [row] = [
        r
        for r in re.findall(r'<tr class="row-.*?</tr>', review, re.S)
        if f"<td>{email}</td>" in r
    ]
    row = re.sub(r'<td class="num">\d+</td>', "", row.replace(email, "ADDRESS"))
    return re.sub(r"\s+", " ", row)


def test_the_import_check_does_not_tell_that_another_controller_knows_an_address(
    app, client, smtp_server, make_user, list_ids
):
    with app.app_context():
        factories.subscriber(
            db.session, email="dora@example.org", region="dortmund", name="Dora"
        )
        factories.subscriber(
            db.session, email="sven@example.org", region="suedwestfalen"
        )
    login(client, make_user(Role.MANAGER, "suedwestfalen").email)
    review = review_of_import(client, list_ids["newsletter-suedwestfalen"])
    # Dortmund's subscriber reads exactly like an address nobody knows ...
    assert row_of(review, "dora@example.org") == row_of(review, "neu@example.org")
    # ... while Südwestfalen's own subscriber is reported.
    assert "bereits Abonnent" in row_of(review, "sven@example.org")
    assert "2 von 3 Zeilen können importiert werden" in review

    client.post(
        re.search(r'action="([^"]+/apply)"', review).group(1),
        data={"csrf_token": csrf_token(review)},
    )
    with app.app_context():
        run_queued_imports()
        dora = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "dora@example.org")
        )
        # Dortmund's record keeps its data; Südwestfalen only asks for consent.
        assert (dora.name, dora.region.slug) == ("Dora", "dortmund")
        lists = {s.mailing_list.slug: s.status for s in dora.subscriptions}
        assert lists == {
            "newsletter-dortmund": "active",
            "newsletter-suedwestfalen": "pending",
        }
    mail = smtp_server.to("dora@example.org")[-1]
    assert "Südwestfalen" in mail["From"]
    assert "Wirtschaftsförderung Dortmund" not in text_of(mail)
