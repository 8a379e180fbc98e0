"""Times a manager types for a send: a wall-clock time that happens twice (the
night the clocks go back) is not silently taken as one of the two."""

from datetime import UTC, datetime

from core.db import db
from core.models import Role
from newsletter.campaigns.models import Campaign
from tests import factories
from tests.http import csrf_token


def schedule_over_http(client, campaign_id, date, time):
    page = client.get(f"/campaigns/{campaign_id}/send").get_data(as_text=True)
    return client.post(
        f"/campaigns/{campaign_id}/send",
        data={
            "csrf_token": csrf_token(page),
            "action": "schedule",
            "date": date,
            "time": time,
        },
        follow_redirects=True,
    )


def test_a_time_that_happens_twice_says_which_one_it_was_taken_as(
    app, client, login_as
):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    # The last Sunday of October 2027: at 03:00 the clocks go back to 02:00.
    page = schedule_over_http(client, campaign_id, "2027-10-31", "02:30")
    text = page.get_data(as_text=True)
    assert "02:30 gibt es am 31.10.2027 zweimal" in text
    assert "UTC+02:00" in text  # the offset chosen, in words on the page
    with app.app_context():
        scheduled = db.session.get(Campaign, campaign_id).scheduled_at
    assert scheduled == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_an_ordinary_time_is_scheduled_without_a_warning(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    text = schedule_over_http(client, campaign_id, "2027-10-31", "09:00").get_data(
        as_text=True
    )
    assert "Geplant für 31.10.2027 09:00" in text
    assert "zweimal" not in text
