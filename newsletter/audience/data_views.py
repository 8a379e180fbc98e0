"""A person's data as a file and as a page to print: for herself from the preference
centre, and for a manager of her region who answers a request that came by mail."""

import json

from flask import Response, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.cookieless import cookieless
from core.db import db
from core.input_guard import without_control_characters
from core.policy import requires
from newsletter.audience.link_views import (
    LinkKind,
    link_error,
    subscriber_from_preferences_token,
)
from newsletter.audience.models import Subscriber
from newsletter.audience.personal_data import personal_data_sources
from newsletter.audience.personal_export import EVERYTHING, personal_data
from newsletter.audience.scope import Scope, current_scope
from newsletter.audience.tokens import LinkError
from newsletter.audience.views import get_subscriber
from newsletter.blueprint import bp


def _download(subscriber: Subscriber, scope: Scope = EVERYTHING) -> Response:
    data = without_control_characters(personal_data(db.session, subscriber, scope))
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="meine-daten.json"'},
    )


def _page(
    subscriber: Subscriber, json_url: str, layout: str, scope: Scope = EVERYTHING
) -> str:
    data = personal_data(db.session, subscriber, scope)
    return render_template(
        "newsletter/my_data.html",
        layout=layout,
        subscriber=subscriber,
        region=subscriber.region,
        data=data,
        sources=[(source, data[source.key]) for source in personal_data_sources()],
        json_url=json_url,
    )


@bp.route("/einstellungen/<token>/meine-daten.json")
@cookieless
def my_data(token: str) -> BaseResponse | tuple[str, int]:
    try:
        subscriber = subscriber_from_preferences_token(token)
    except LinkError as error:
        return link_error(error, LinkKind.SETTINGS)
    return _download(subscriber)


@bp.route("/einstellungen/<token>/meine-daten")
@cookieless
def my_data_page(token: str) -> str | tuple[str, int]:
    try:
        subscriber = subscriber_from_preferences_token(token)
    except LinkError as error:
        return link_error(error, LinkKind.SETTINGS)
    json_url = url_for("newsletter.my_data", token=token)
    return _page(subscriber, json_url, "newsletter/_public.html")


@bp.route("/subscribers/<int:subscriber_id>/data.json")
@requires("subscribers")
def subscriber_data(subscriber_id: int) -> BaseResponse:
    subscriber = get_subscriber(subscriber_id)
    record(db.session, current_user.id, "export_person", "subscriber", subscriber.id)
    db.session.commit()
    return _download(subscriber, current_scope())


@bp.route("/subscribers/<int:subscriber_id>/data")
@requires("subscribers")
def subscriber_data_page(subscriber_id: int) -> str:
    subscriber = get_subscriber(subscriber_id)
    json_url = url_for("newsletter.subscriber_data", subscriber_id=subscriber.id)
    return _page(subscriber, json_url, "base.html", current_scope())
