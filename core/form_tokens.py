"""Form tokens for pages that work without a session (core.cookieless): a random
nonce and the time the form was made, signed with the app's secret together with
what the form is bound to (a personal link's token, or the address of a public
page). Nothing is stored on the server or in a cookie; a token shown for one link,
survey or page is refused on another, and one older than WTF_CSRF_TIME_LIMIT is
refused too, as Flask-WTF's own tokens are."""

import hashlib
import secrets
from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, TimestampSigner
from wtforms import ValidationError
from wtforms.csrf.core import CSRF


def _signer(bound_to: str) -> TimestampSigner:
    # The salt takes part in deriving the key, so the signature covers the binding.
    return TimestampSigner(
        current_app.secret_key,  # type: ignore[arg-type]
        salt=f"form-token:{bound_to}",
        digest_method=hashlib.sha256,
    )


def new_form_token(bound_to: str) -> str:
    """A fresh token for one rendered form."""
    return _signer(bound_to).sign(secrets.token_urlsafe(12)).decode()


def form_token_valid(bound_to: str, token: str | None) -> bool:
    """Whether the token was made here, for this binding, within the time limit."""
    if not token:
        return False
    try:
        _signer(bound_to).unsign(
            token, max_age=current_app.config["WTF_CSRF_TIME_LIMIT"]
        )
    except BadSignature:  # also SignatureExpired
        return False
    return True


def posted_token_valid() -> bool:
    """The check a form of this page makes on its token, without building the form
    (for the answer POST, the hot path of the product)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return form_token_valid(page_binding(), request.form.get(field))


def page_binding() -> str:
    """What a form of this page is bound to: the personal link's token (or a public
    survey's key) when the address has one, else the page's address."""
    args = request.view_args or {}
    for name in ("token", "key"):
        if isinstance(args.get(name), str):
            return f"{name}:{args[name]}"
    return request.path


class FormTokenCSRF(CSRF):
    """WTForms' CSRF hook with form tokens instead of a session. A form binds to
    `meta.csrf_context` when it is a string (a form that is shown on many pages
    and posted to one), else to the page (page_binding)."""

    bound_to = ""

    def setup_form(self, form: Any) -> Any:
        context = form.meta.csrf_context
        self.bound_to = context if isinstance(context, str) else page_binding()
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field: Any) -> str:
        return new_form_token(self.bound_to)

    def validate_csrf_token(self, form: Any, field: Any) -> None:
        if not form_token_valid(self.bound_to, field.data):
            raise ValidationError(
                _l(
                    "This form is too old or does not belong to this page. "
                    "Please check your entries and send it again."
                )
            )
