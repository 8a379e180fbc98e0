"""Forms of composing: an issue's settings, test sends, templates."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import Form
from newsletter.audience.forms import MultiCheckboxField


class CampaignSettingsForm(Form):
    title = StringField(_l("Internal title"), validators=[Optional(), Length(max=200)])
    subject_de = StringField(
        _l("Subject (German)"), validators=[Optional(), Length(max=200)]
    )
    subject_en = StringField(
        _l("Subject (English)"), validators=[Optional(), Length(max=200)]
    )
    preheader_de = StringField(
        _l("Preview text (German)"), validators=[Optional(), Length(max=200)]
    )
    preheader_en = StringField(
        _l("Preview text (English)"), validators=[Optional(), Length(max=200)]
    )
    lists = MultiCheckboxField(_l("Lists"), coerce=int)
    segments = MultiCheckboxField(_l("Segments"), coerce=int)


class TestSendForm(Form):
    addresses = StringField(
        _l("Send a test to"),
        validators=[DataRequired(_l("Please enter at least one address."))],
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
    )


class TemplateForm(Form):
    name = StringField(
        _l("Name of the template"),
        validators=[
            DataRequired(_l("Please give the template a name.")),
            Length(max=120),
        ],
    )
