"""The export (Art. 15/20) is complete: profile, subscriptions, the consent log with
the exact texts agreed to, every issue sent and its result, bounces, and every survey
answer with free text and contact wish; as JSON and as a page the person can print."""

import json

from core.models import Role
from tests.http import login
from tests.privacy.person import (
    EMAIL,
    FREE_TEXT,
    NAME,
    ORGANISATION,
    live_a_life,
)


def export_of(client, life) -> dict:
    download = client.get(f"{life.preferences_path}/meine-daten.json")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    return json.loads(download.get_data(as_text=True))


def test_the_json_export_holds_everything_we_know(app, client, smtp_server):
    signup_page = client.get("/anmelden/dortmund").get_data(as_text=True)
    life = live_a_life(app, client, smtp_server)
    data = export_of(client, life)

    profile = data["profile"]
    assert (profile["email"], profile["name"], profile["organisation"]) == (
        EMAIL,
        NAME,
        ORGANISATION,
    )
    assert [(s["list"], s["status"]) for s in data["subscriptions"]] == [
        ("Newsletter Dortmund", "active")
    ]
    events = data["consent_log"]
    assert [e["event"] for e in events] == ["signup", "confirmation_sent", "confirmed"]
    for event in events:
        # The very sentence next to the box she ticked, not a version number only.
        assert event["consent_text"]["text"] in signup_page
        assert event["consent_text"]["version"] == 1
        assert "Art. 6 Abs. 1 lit. a DSGVO" in event["privacy_notice"]["text"]
    assert events[0]["ip_address"] == "203.0.113.77"

    deliveries = data["deliveries"]
    assert [(d["issue"], d["result"]) for d in deliveries] == [
        ("Neues für Fatma", "failed"),
        ("Kurze Frage", "sent"),
    ]
    assert all(d["queued_at"] for d in deliveries)
    assert deliveries[1]["sent_at"]
    [bounce] = data["bounces"]
    assert bounce["issue"] == "Neues für Fatma"
    assert bounce["reason"].startswith("Der Empfangsserver hat die Nachricht")
    assert "rejected by local policy" in bounce["server_answer"]

    [response] = data["survey_responses"]
    assert response["survey"] == "Was brauchen Sie?"
    assert response["contact_wish"] is True
    assert [(a["question"], a["answer"]) for a in response["answers"]] == [
        ("Was brauchen Sie am dringendsten?", "Fachkräfte"),
        ("Kooperation lohnt sich.", 4),
        ("Was noch?", FREE_TEXT),
    ]


def test_the_printable_page_shows_the_same_in_words(app, client, smtp_server):
    life = live_a_life(app, client, smtp_server)
    data = export_of(client, life)
    page = client.get(f"{life.preferences_path}/meine-daten")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for shown in (
        EMAIL,
        ORGANISATION,
        "Newsletter Dortmund",
        data["consent_log"][0]["consent_text"]["text"],
        "Neues für Fatma",
        "rejected by local policy",
        "Was noch?",
        FREE_TEXT,
        "Fachkräfte",
        "Kontaktwunsch",
    ):
        assert shown in html, shown
    assert "data-print" in html  # a print button
    assert f"{life.preferences_path}/meine-daten.json" in html


def test_a_manager_gets_the_same_export_for_a_request_by_mail(
    app, client, smtp_server, make_user
):
    life = live_a_life(app, client, smtp_server)
    mine = export_of(client, life)
    dortmund = make_user(Role.MANAGER, "dortmund")
    swf = make_user(Role.MANAGER, "suedwestfalen")
    other_region = app.test_client()
    login(other_region, swf.email)
    path = f"/subscribers/{life.subscriber_id}/data"
    assert other_region.get(f"{path}.json").status_code == 404
    assert other_region.get(path).status_code == 404
    manager = app.test_client()
    login(manager, dortmund.email)
    theirs = json.loads(manager.get(f"{path}.json").get_data(as_text=True))
    assert {k: v for k, v in theirs.items() if k != "exported_at"} == {
        k: v for k, v in mine.items() if k != "exported_at"
    }
    assert FREE_TEXT in manager.get(path).get_data(as_text=True)
