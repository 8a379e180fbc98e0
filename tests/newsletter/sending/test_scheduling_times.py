"""Times a manager types for a send: a wall-clock time that happens twice (the
night the clocks go back) is not silently taken as one of the two."""

from datetime import UTC, datetime

from core.db import db
from core.models import Role
from newsletter.campaigns.models import Campaign
from tests import factories
from tests.form_filling import form_fields
from tests.http import csrf_token


def schedule_over_http(client, campaign_id, date, time):
    """Schedule on the sending page as a manager does: press "Planen …", read the
    confirmation page, confirm. Both pages, as (confirmation, after confirming)."""
    page = client.get(f"/campaigns/{campaign_id}/send").get_data(as_text=True)
    confirmation = client.post(
        f"/campaigns/{campaign_id}/send",
        data={
            "csrf_token": csrf_token(page),
            "action": "schedule",
            "date": date,
            "time": time,
        },
    ).get_data(as_text=True)
    assert "Ja, für 1 Empfänger planen" in confirmation
    data: dict[str, list[str]] = {}
    for name, value in form_fields(confirmation, "confirm-send"):
        data.setdefault(name, []).append(value)
    after = client.post(
        f"/campaigns/{campaign_id}/send", data=data, follow_redirects=True
    ).get_data(as_text=True)
    return confirmation, after


def an_issue_with_one_reader(app) -> int:
    with app.app_context():
        factories.audience(db.session, 1, region="suedwestfalen")
    return factories.made_in(app, factories.campaign, region="suedwestfalen")


def test_a_time_that_happens_twice_says_which_one_it_was_taken_as(
    app, client, login_as
):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = an_issue_with_one_reader(app)
    # The last Sunday of October 2027: at 03:00 the clocks go back to 02:00.
    confirmation, text = schedule_over_http(client, campaign_id, "2027-10-31", "02:30")
    for page in (confirmation, text):  # before confirming, and after
        assert "02:30 gibt es am 31.10.2027 zweimal" in page
        assert "UTC+02:00" in page  # the offset chosen, in words on the page
    assert "Geplant für 31.10.2027 02:30" in text
    with app.app_context():
        scheduled = db.session.get(Campaign, campaign_id).scheduled_at
    assert scheduled == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    # Days later, the sending page still says which 02:30 it is.
    page = client.get(f"/campaigns/{campaign_id}/send").get_data(as_text=True)
    assert "Geplant für 31.10.2027, 02:30:00 (Europe/Berlin, UTC+02:00)" in page


def test_an_ordinary_time_is_scheduled_without_a_warning(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = an_issue_with_one_reader(app)
    confirmation, text = schedule_over_http(client, campaign_id, "2027-10-31", "09:00")
    assert "Geplant für 31.10.2027 09:00" in text
    assert "zweimal" not in confirmation
    assert "zweimal" not in text
