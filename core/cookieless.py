"""Pages a subscriber reaches from a mail work without a session and set no cookie:
she has no account, and there should be nothing to consent to (and less work per
request). A view marked `cookieless` gets an empty session that refuses writes and
is never saved, even when the browser brings a cookie of a manager's login; its
language comes from the address (?lang=en, kept by every link and form of such
pages); its forms carry form tokens (core.form_tokens) instead of Flask-WTF's
session-bound ones."""

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlencode

from flask import Flask, Request, current_app, has_request_context, request
from flask.sessions import NullSession, SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException

from core.extensions import csrf

F = TypeVar("F", bound=Callable[..., Any])


def cookieless(view: F) -> F:
    """Mark a public view that works without a session (its forms are checked by
    their form tokens, so Flask-WTF's session check is off for it)."""
    view.is_public = True  # type: ignore[attr-defined]
    view.cookieless = True  # type: ignore[attr-defined]
    return csrf.exempt(view)


def is_cookieless(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint or "")
    return bool(getattr(view, "cookieless", False))


def on_cookieless_page() -> bool:
    """Whether this request is for a cookieless view."""
    return has_request_context() and is_cookieless(request.endpoint)


class NoSession(NullSession):
    """The session of a cookieless page: empty; writing to it is a bug (it would
    set a cookie), so it fails loudly."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("A cookieless page must not write to the session.")

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _refuse  # type: ignore[assignment]


class SessionsOffTheLinkPages(SecureCookieSessionInterface):
    """Flask's cookie session, except on cookieless pages: there the session is
    never read (a manager's login cookie in the same browser counts for nothing)
    nor saved (Flask skips a null session: no Set-Cookie, no Vary: Cookie).
    Flask opens the session before it matches the address, so this matches it."""

    def open_session(self, app: Flask, request: Request) -> Any:
        try:
            endpoint, _args = app.create_url_adapter(request).match()  # type: ignore[union-attr]
        except HTTPException:  # not found, wrong method, a redirect: not ours
            endpoint = None
        if is_cookieless(endpoint):
            return NoSession()
        return super().open_session(app, request)


def chosen_language() -> str | None:
    """The language the address of a cookieless page names (?lang=en)."""
    chosen = request.args.get("lang")
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def keep_language(endpoint: str, values: dict[str, Any]) -> None:
    """url_defaults: links and forms of a cookieless page to another one keep the
    language chosen in the address."""
    if "lang" in values or not on_cookieless_page() or not is_cookieless(endpoint):
        return
    chosen = chosen_language()
    if chosen is not None:
        values["lang"] = chosen


def same_page(**values: str) -> str:
    """This page's address with these query values and the language chosen in it.
    Built from the request, not the URL map: for the answer POST's redirect,
    url_for and its escaping cost about 20 µs of its 500 (measured, A/B in
    bench/bench_answer.py: 0.59 → 0.61 of hello world)."""
    chosen = chosen_language()
    query = values if chosen is None else values | {"lang": chosen}
    return f"{request.script_root}{request.path}?{urlencode(query)}"


def language_url(language: str) -> str:
    """This page in another language (a link: a GET that changes nothing)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return f"{request.path}?{urlencode([*args, ('lang', language)])}"


def init_app(app: Flask) -> None:
    app.session_interface = SessionsOffTheLinkPages()
    app.url_defaults(keep_language)
    app.jinja_env.globals["language_url"] = language_url
