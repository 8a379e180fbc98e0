"""The dev-only mailbox page: what the local SMTP sink received, for managers and
administrators. Not registered in production, so its URLs answer 404 there."""

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from core import devmail
from core.policy import requires

bp = Blueprint("devmail", __name__, url_prefix="/dev/mailbox")


def _directory() -> Path:
    return Path(current_app.config["DEV_MAILBOX_DIR"])


@bp.route("/")
@requires("campaigns")
def index() -> str:
    return render_template(
        "core/devmail_index.html",
        messages=devmail.list_messages(_directory()),
        header_as_read=devmail.header_as_read,
    )


@bp.route("/<key>")
@requires("campaigns")
def show(key: str) -> str:
    message = devmail.get_message(_directory(), key)
    if message is None:
        abort(404)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return render_template(
        "core/devmail_show.html",
        key=key,
        message=message,
        headers=devmail.headers_as_read(message),
        text=text.get_content() if text else "",
        has_html=html is not None,
    )


@bp.route("/<key>/html")
@requires("campaigns")
def html(key: str) -> Response:
    message = devmail.get_message(_directory(), key)
    part = message.get_body(preferencelist=("html",)) if message else None
    if part is None:
        abort(404)
    response = Response(part.get_content(), mimetype="text/html")
    # The mail's HTML is shown as a subscriber's client would: no scripts, no forms.
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'self' data:; style-src 'unsafe-inline'; "
        "img-src * data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'self'"
    )
    # Framed by the mailbox page itself (the default for every other page is DENY).
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.route("/clear", methods=["POST"])
@requires("campaigns")
def clear() -> Response:
    devmail.clear(_directory())
    flash(_("The mailbox is empty now."), "info")
    return redirect(url_for("devmail.index"))
