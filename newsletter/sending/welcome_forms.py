"""The form of a region's welcome mail."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.forms import Form


class WelcomeForm(Form):
    enabled = BooleanField(_l("Send this mail"))
    delay_days = IntegerField(
        _l("Days after the confirmation"),
        default=7,
        validators=[Optional(), NumberRange(1, 365, _l("Between 1 and 365 days."))],
    )
    subject_de = StringField(
        _l("Subject (German)"),
        validators=[
            DataRequired(_l("Please enter a German subject.")),
            Length(max=200),
        ],
    )
    body_de = TextAreaField(
        _l("Text (German)"),
        validators=[DataRequired(_l("Please enter a German text.")), Length(max=5000)],
    )
    subject_en = StringField(
        _l("Subject (English)"), validators=[Optional(), Length(max=200)]
    )
    body_en = TextAreaField(
        _l("Text (English)"), validators=[Optional(), Length(max=5000)]
    )
