"""An import forgives what people's files look like: districts in their spellings,
an unknown value in an optional column is a warning (the row goes in), columns we do
not know are kept as the person's own fields (in her data export, gone with her
erasure), and the import page offers a sample file that imports as it is."""

import io
import re

from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.audience.erasure import erase
from newsletter.audience.import_jobs import run_queued_imports
from newsletter.audience.models import Subscriber
from tests.http import csrf_token


def upload_text(client, text: str, list_id: int, filename="kontakte.csv") -> str:
    """Upload a CSV; the review page's HTML and its URL."""
    page = client.get("/subscribers/import").get_data(as_text=True)
    response = client.post(
        "/subscribers/import",
        data={
            "csrf_token": csrf_token(page),
            "lists": [str(list_id)],
            "file": (io.BytesIO(text.encode("utf-8")), filename),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def import_confirmed(app, client, review_url: str) -> str:
    review = client.get(review_url).get_data(as_text=True)
    apply_url = re.search(r'action="([^"]+/apply)"', review).group(1)
    client.post(apply_url, data={"csrf_token": csrf_token(review)})
    with app.app_context():
        run_queued_imports()
    return review


def people(app) -> dict[str, Subscriber]:
    with app.app_context():
        found = {s.email: s for s in db.session.scalars(select(Subscriber))}
        for person in found.values():
            person.district_name = person.district.name if person.district else None
            db.session.expunge(person)
        return found


SPELLINGS = """E-Mail,Kreis,Einwilligung
a@example.org,olpe,ja
b@example.org,  KREIS   OLPE ,ja
c@example.org,Siegen-Wittgenstein,ja
d@example.org,siegen wittgenstein,ja
e@example.org,Maerkischer Kreis,ja
f@example.org,Märkischer Kreis,ja
g@example.org,Hochsauerland,ja
h@example.org,Kreis Hochsauerland,ja
i@example.org,Soest,ja
j@example.org,Kreis Atlantis,ja
"""


def test_districts_are_recognised_in_their_spellings(app, client, login_as, list_ids):
    login_as(Role.MANAGER, "suedwestfalen")
    review = import_confirmed(
        app,
        client,
        upload_text(client, SPELLINGS, list_ids["newsletter-suedwestfalen"]),
    )
    assert "10 von 10 Zeilen können importiert werden" in review
    assert "unbekannter Kreis „Kreis Atlantis“ (bleibt leer)" in review
    found = {email: p.district_name for email, p in people(app).items()}
    assert found == {
        "a@example.org": "Kreis Olpe",
        "b@example.org": "Kreis Olpe",
        "c@example.org": "Kreis Siegen-Wittgenstein",
        "d@example.org": "Kreis Siegen-Wittgenstein",
        "e@example.org": "Märkischer Kreis",
        "f@example.org": "Märkischer Kreis",
        "g@example.org": "Hochsauerlandkreis",
        "h@example.org": "Hochsauerlandkreis",
        "i@example.org": "Kreis Soest",
        "j@example.org": None,  # a warning, not a skipped row
    }


EXTRA = """E-Mail;Name;Mitgliedsnummer;Messe 2026;Einwilligung
kim@example.org;Kim Berger;M-4711;ja, Stand 12;Messe 2025
lea@example.org;Lea Ott;;;Messe 2025
"""


def test_unknown_columns_are_kept_as_the_persons_own_fields(
    app, client, login_as, list_ids
):
    login_as(Role.MANAGER, "suedwestfalen")
    review = import_confirmed(
        app, client, upload_text(client, EXTRA, list_ids["newsletter-suedwestfalen"])
    )
    assert "als eigenes Feld behalten" in review
    found = people(app)
    assert found["kim@example.org"].extra_fields == {
        "Mitgliedsnummer": "M-4711",
        "Messe 2026": "ja, Stand 12",
    }
    assert found["lea@example.org"].extra_fields == {}
    kim = found["kim@example.org"].id
    export = client.get(f"/subscribers/{kim}/data.json").get_json()
    assert export["profile"]["own_fields"] == {
        "Mitgliedsnummer": "M-4711",
        "Messe 2026": "ja, Stand 12",
    }
    assert "M-4711" in client.get(f"/subscribers/{kim}/data").get_data(as_text=True)
    listed = client.get("/subscribers/export.csv?sep=semicolon").get_data(as_text=True)
    assert "Eigene Felder" in listed.splitlines()[0]
    assert "Mitgliedsnummer: M-4711; Messe 2026: ja, Stand 12" in listed
    with app.app_context():
        person = db.session.get(Subscriber, kim)
        erase(db.session, person, app.config["SECRET_KEY"])
        db.session.commit()
        assert db.session.get(Subscriber, kim).extra_fields == {}


def test_a_column_set_to_ignore_is_not_kept(app, client, login_as, list_ids):
    login_as(Role.MANAGER, "suedwestfalen")
    review_url = upload_text(client, EXTRA, list_ids["newsletter-suedwestfalen"])
    review = client.get(review_url).get_data(as_text=True)
    client.post(
        review_url,
        data={
            "csrf_token": csrf_token(review),
            "column-0": "email",
            "column-1": "name",
            "column-2": "",
            "column-3": "extra",
            "column-4": "consent",
        },
    )
    import_confirmed(app, client, review_url)
    assert people(app)["kim@example.org"].extra_fields == {"Messe 2026": "ja, Stand 12"}


def test_the_import_page_offers_a_sample_file_that_imports_as_it_is(
    app, client, login_as, list_ids
):
    login_as(Role.MANAGER, "suedwestfalen")
    page = client.get("/subscribers/import").get_data(as_text=True)
    href = re.search(r'href="([^"]+\.csv[^"]*)"[^>]*>[^<]*Beispieldatei', page).group(1)
    sample = client.get(href)
    assert sample.status_code == 200
    assert sample.headers["Content-Type"].startswith("text/csv")
    text = sample.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("E-Mail;")
    review = client.get(
        upload_text(client, text, list_ids["newsletter-suedwestfalen"])
    ).get_data(as_text=True)
    rows = len(text.strip().splitlines()) - 1
    assert f"{rows} von {rows} Zeilen können importiert werden" in review
    assert "unbekannt" not in review


MARKUP = """E-Mail;Name;Mitgliedsnummer;Bemerkung <intern>;Einwilligung
ole@example.org;Ole Voss;M-0815;<script>alert(1)</script> & mehr;Messe 2025
"""


def test_her_page_shows_her_own_fields_as_imported_and_escaped(
    app, client, login_as, list_ids
):
    login_as(Role.MANAGER, "suedwestfalen")
    import_confirmed(
        app, client, upload_text(client, MARKUP, list_ids["newsletter-suedwestfalen"])
    )
    ole = people(app)["ole@example.org"].id
    page = client.get(f"/subscribers/{ole}").get_data(as_text=True)
    own = page[page.index("Eigene Felder") :]
    assert "<dt>Mitgliedsnummer</dt><dd>M-0815</dd>" in own
    assert (
        "<dt>Bemerkung &lt;intern&gt;</dt>"
        "<dd>&lt;script&gt;alert(1)&lt;/script&gt; &amp; mehr</dd>"
    ) in own
    assert "<script>alert(1)" not in page
    export = client.get(f"/subscribers/{ole}/data.json").get_json()
    assert export["profile"]["own_fields"]["Bemerkung <intern>"] == (
        "<script>alert(1)</script> & mehr"
    )
