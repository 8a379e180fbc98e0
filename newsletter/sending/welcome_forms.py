"""The form of a region's welcome mail: whether and when it goes (its content is
edited as blocks in the issue editor)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField
from wtforms.validators import NumberRange, Optional

from core.forms import Form


class WelcomeForm(Form):
    enabled = BooleanField(_l("Send this mail"))
    delay_days = IntegerField(
        _l("Days after the confirmation"),
        default=7,
        validators=[Optional(), NumberRange(1, 365, _l("Between 1 and 365 days."))],
    )
