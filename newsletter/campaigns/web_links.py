"""The web version link in each recipient's mail: signed, so that the page it opens
carries that person's own unsubscribe and settings links (and nothing else
personal), while the public archive's web version carries none."""

from core.db import db
from core.links import external_url
from newsletter.audience.models import Subscriber
from newsletter.audience.tokens import (
    LinkError,
    make_token,
    preferences_max_age,
    preferences_token,
    read_token,
    unsubscribe_token,
)
from newsletter.campaigns.models import Campaign


def web_token(
    subscriber_id: int, list_id: int | None, campaign_id: int, link_key: str
) -> str:
    """Signs the web version link in one recipient's mail: it opens the issue with
    that person's own unsubscribe (of the list they got it through) and settings
    links. It carries the link key, so "invalidate all my links" reaches it too."""
    return make_token(
        "web", {"s": subscriber_id, "l": list_id, "c": campaign_id, "k": link_key}
    )


def own_links_of(campaign: Campaign, token: str) -> dict[str, str] | None:
    """The recipient's own links, if the token is theirs for this issue. A token
    older than a preference link may be raises LinkError(expired=True): the page
    it opens hands out no fresher links than the mail itself holds."""
    try:
        payload = read_token("web", token, max_age=preferences_max_age())
    except LinkError as error:
        if error.expired:
            raise
        return None
    subscriber_id, list_id = payload.get("s"), payload.get("l")
    if payload.get("c") != campaign.id or not isinstance(subscriber_id, int):
        return None
    if not isinstance(list_id, int):
        return None
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None or subscriber.link_key != payload.get("k"):
        return None  # erased, or the person has invalidated their links
    return {
        "unsubscribe_url": external_url(
            "newsletter.unsubscribe_page",
            token=unsubscribe_token(subscriber_id, list_id, campaign.id),
        ),
        "preferences_url": external_url(
            "newsletter.preferences",
            token=preferences_token(subscriber_id, subscriber.link_key),
        ),
    }
