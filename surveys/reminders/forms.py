"""The form of a survey's reminder plan."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.forms import Form
from surveys.reminders.plans import MAX_STEPS


class ReminderPlanForm(Form):
    steps = IntegerField(
        _l("Number of reminders"),
        default=2,
        validators=[
            NumberRange(
                0,
                MAX_STEPS,
                _l("Between 0 (none) and %(max)s reminders.", max=MAX_STEPS),
            )
        ],
    )
    interval_days = IntegerField(
        _l("Days after the issue and between reminders"),
        default=7,
        validators=[NumberRange(1, 60, _l("Between 1 and 60 days."))],
    )
    subject_de = StringField(
        _l("Subject (German)"),
        validators=[
            DataRequired(_l("Please enter a German subject.")),
            Length(max=200),
        ],
    )
    body_de = TextAreaField(
        _l("Text above the question (German)"),
        validators=[
            DataRequired(_l("Please enter a German text.")),
            Length(max=2000),
        ],
    )
    subject_en = StringField(
        _l("Subject (English)"), validators=[Optional(), Length(max=200)]
    )
    body_en = TextAreaField(
        _l("Text above the question (English)"),
        validators=[Optional(), Length(max=2000)],
    )


class ReminderTestForm(Form):
    """A test mail of the next reminder, to the manager's own address."""

    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
    )
