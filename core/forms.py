"""Forms of the core: the base class of every form, login and the language switch,
and the check that a form names only ids it offered."""

from typing import Any

from flask import abort, request
from flask_babel import get_translations, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import (
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    widgets,
)
from wtforms.validators import DataRequired, Email

from core.cookieless import on_cookieless_page
from core.form_tokens import FormTokenCSRF
from core.input_guard import SingleLine

# WTForms' German catalogue leaves these fuzzy, so they would show in English; our
# catalogue translates them (listed here so that `make extract-messages` keeps them).
WTFORMS_GAPS = (
    _l("This field cannot be edited."),
    _l("Not a valid week value."),
    lazy_ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    ),
)


class FormTranslations:
    """WTForms' own messages in the page's language: our catalogue first, then the
    one WTForms ships (through Flask-WTF, in the locale Flask-Babel chose)."""

    def gettext(self, string: str) -> str:
        ours = get_translations().gettext(string)
        return ours if ours != string else str(wtforms_translations.gettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        ours = get_translations().ngettext(singular, plural, n)
        if ours not in (singular, plural):
            return ours
        return str(wtforms_translations.ngettext(singular, plural, n))


FORM_TRANSLATIONS = FormTranslations()


class Form(FlaskForm):
    """The base of every form here: CSRF from Flask-WTF, messages in German or
    English whatever WTForms' catalogue lacks."""

    class Meta(FlaskForm.Meta):
        csrf_context = None  # a string binds a form's token (core.form_tokens)

        def get_translations(self, form: Any) -> FormTranslations:
            return FORM_TRANSLATIONS

        def build_csrf(self, form: Any) -> Any:
            """On a cookieless page a form token instead of the session's."""
            if on_cookieless_page():
                return FormTokenCSRF()
            return super().build_csrf(form)

    def validate(self, extra_validators: Any = None) -> bool:
        """Every field shown as a one-line input refuses line breaks."""
        extra = {name: list(found) for name, found in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field.widget, widgets.Input):
                extra.setdefault(name, []).append(SingleLine())
        return bool(super().validate(extra))


class LoginForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    next = HiddenField()


class ConfirmForm(Form):
    """A form with nothing but its CSRF token, for buttons that change something."""


class LanguageForm(Form):
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
