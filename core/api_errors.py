"""Errors of the JSON API answered in JSON: a script reading `/api/…` gets the code
and a sentence it can show, never an HTML page or a redirect to the login form."""

from flask import Response, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

API_PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(error: HTTPException, code: int) -> Response:
    """{"error": code, "message": a sentence in the caller's language}."""
    if getattr(error, "for_people", False):
        message = str(error.description)
    elif code == 403:
        message = _("Your role may not read these figures.")
    elif code == 404:
        message = _("There is no such survey, or it is not one you may analyse.")
    elif code == 400:
        message = _("The request could not be understood; check its parameters.")
    else:
        message = _("An unexpected error occurred; please try again later.")
    response = jsonify(error=code, message=message)
    response.status_code = code
    return response


def to_login() -> BaseResponse:
    """Not logged in: the API answers 401, pages send the person to the login."""
    if is_api_request():
        response = jsonify(
            error=401, message=_("Please log in first; the API uses your login.")
        )
        response.status_code = 401
        return response
    return redirect(url_for("core.login", next=request.full_path.rstrip("?")))
