"""The scheduling form."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, TimeField
from wtforms.validators import DataRequired

from core.forms import Form


class ScheduleForm(Form):
    date = DateField(_l("Date"), validators=[DataRequired(_l("Please choose a date."))])
    time = TimeField(_l("Time"), validators=[DataRequired(_l("Please choose a time."))])
