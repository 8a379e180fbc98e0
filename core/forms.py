"""Forms of the core: login and the language switch, and the check that a form names
only ids it offered."""

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import DataRequired, Email


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    next = HiddenField()


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""


class LanguageForm(FlaskForm):
    lang = SelectField(
        choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")]
    )
    next = HiddenField()


def refuse_unoffered(*fields: Field) -> None:
    """404 for an id the form did not offer (another region's list or segment): the
    choices are what the user may use, and nothing else is answered more kindly."""
    for field in fields:
        offered = {str(choice.value) for choice in field.choices or []}  # type: ignore[attr-defined]
        if any(value not in offered for value in request.form.getlist(field.name)):
            abort(404)
