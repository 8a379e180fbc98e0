"""The click links in campaign mails: count the click, then lead to the link."""

from flask import abort, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from core.cookieless import cookieless
from core.db import db
from newsletter.audience.tokens import LinkError
from newsletter.blueprint import bp
from newsletter.campaigns.tracking import count_click, link_for


@bp.route("/link/<int:link_id>/<token>")
@cookieless
def follow_link(link_id: int, token: str) -> BaseResponse:
    """Only to a link recorded for the token's issue; a HEAD (a gateway checking
    the link) is answered alike but never counted."""
    try:
        link, payload = link_for(db.session, link_id, token)
    except LinkError:
        abort(404)
    if request.method == "GET":
        count_click(db.session, link, payload)
        db.session.commit()
    return redirect(link.url, 302)
