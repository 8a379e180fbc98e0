"""Forms of the audience: sign-up, preferences, and the managers' subscriber, list,
segment and import forms."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.forms import Form
from newsletter.audience.labels import ORG_TYPE_LABELS

SIZES = ["1-9", "10-49", "50-249", "250+"]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def org_type_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("– please choose –"))] + [
        SelectChoice(value, label) for value, label in ORG_TYPE_LABELS.items()
    ]


def size_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("– please choose –"))] + [
        SelectChoice(size, _l("%(size)s employees", size=size)) for size in SIZES
    ]


class ProfileFields(Form):
    """What a person tells about themselves; everything but the email is optional."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    organisation = StringField(
        _l("Organisation"), validators=[Optional(), Length(max=200)]
    )
    org_type = SelectField(_l("Type of organisation"), validators=[Optional()])
    district_id = SelectField(_l("District"), validators=[Optional()])
    sector = StringField(_l("Sector"), validators=[Optional(), Length(max=80)])
    size = SelectField(_l("Size"), validators=[Optional()])
    language = SelectField(
        _l("Language of the newsletter"),
        choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
    )
    lists = MultiCheckboxField(_l("Newsletters"), coerce=int)
    topics = MultiCheckboxField(_l("Topics that interest me"), coerce=int)


class ShowsTexts:
    """The ids of the consent texts and privacy notices the page showed (see
    newsletter.audience.shown_texts)."""

    shown_consent = HiddenField()
    shown_privacy = HiddenField()


class SignupForm(ShowsTexts, ProfileFields):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Please enter your email address."))],
    )
    # One consent per controller: the region's agency for its lists, both agencies
    # for the joint interregional list (each box carries its own text).
    consent = BooleanField()
    consent_joint = BooleanField()
    # Hidden from people; bots fill it in.
    website = StringField(_l("Leave this field empty"))
    # Set by fill_choices: the offered lists of the joint controllers.
    joint_list_ids: frozenset[int] = frozenset()

    def validate(self, extra_validators: Any = None) -> bool:
        """Each chosen list needs the consent naming its controller."""
        valid = super().validate(extra_validators)
        chosen = set(self.lists.data or [])
        missing = str(_l("Please agree to receive the newsletter."))
        for needed, box in (
            (chosen - self.joint_list_ids, self.consent),
            (chosen & self.joint_list_ids, self.consent_joint),
        ):
            if needed and not box.data:
                box.errors = [*box.errors, missing]
                valid = False
        return valid


class PreferencesForm(ShowsTexts, ProfileFields):
    pass


class EraseForm(Form):
    """ "Meine Daten löschen" only with the box ticked: nothing can bring them back."""

    confirm_erase = BooleanField(
        _l("Yes, delete all my data for good"),
        validators=[
            DataRequired(_l("Please confirm that your data should be deleted."))
        ],
    )


class UndoUnsubscribeForm(ShowsTexts, Form):
    """ "Rückgängig machen" on the unsubscribe page: a consent to the text shown."""


class ImportUploadForm(Form):
    file = FileField(
        _l("File (CSV or Excel)"),
        validators=[
            FileRequired(_l("Please choose a file.")),
            FileAllowed(
                ["csv", "txt", "xlsx"], _l("Only CSV and XLSX files can be imported.")
            ),
        ],
    )


class ManagerAddForm(ProfileFields):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Please enter the email address."))],
    )
    region_id = SelectField(_l("Region"), coerce=int)


class ManagerEditForm(ProfileFields):
    pass


class SegmentForm(Form):
    name = StringField(
        _l("Name of the segment"),
        validators=[
            DataRequired(_l("Please give the segment a name.")),
            Length(max=120),
        ],
    )


class ListForm(Form):
    name = StringField(
        _l("Name (German)"),
        validators=[DataRequired(_l("Please give the list a name.")), Length(max=120)],
    )
    name_en = StringField(
        _l("Name (English)"), validators=[Optional(), Length(max=120)]
    )
    region_id = SelectField(_l("Controller (region)"), coerce=int)


class ImportOptionsForm(Form):
    lists = MultiCheckboxField(_l("Add to these newsletters"), coerce=int)


class FreshLinkForm(Form):
    """Ask for a fresh preference link by mail."""

    class Meta:
        # Shown on the page of every refused link, posted to one address.
        csrf_context = "fresh-link"

    email = EmailField(
        _l("Email address"), validators=[DataRequired(), Length(max=254)]
    )


class TextForm(Form):
    text = TextAreaField(
        _l("Text"), validators=[DataRequired(_l("Please enter the text."))]
    )
