"""The forms of the imprint pages: a region's imprint (§ 5 DDG) and the joint list's
sender, which must name both agencies."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Field, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from core.db import db
from core.forms import Form
from core.imprint import IMPRINT_FIELDS, REQUIRED
from core.regions import agencies_not_named, all_regions

NEEDED = _l("Please fill in this part of the imprint.")


def _field(name: str, size: int) -> StringField:
    checks = [DataRequired(NEEDED)] if name in REQUIRED else [Optional()]
    return StringField(IMPRINT_FIELDS[name], validators=[*checks, Length(max=size)])


class ImprintForm(Form):
    agency = _field("agency", 200)
    legal_form = _field("legal_form", 120)
    street = _field("street", 200)
    postcode = _field("postcode", 10)
    city = _field("city", 120)
    representatives = _field("representatives", 300)
    contact_email = EmailField(
        IMPRINT_FIELDS["contact_email"],
        validators=[
            DataRequired(NEEDED),
            Email(_l("Please enter a valid email address, like name@example.org.")),
        ],
    )
    short_name = StringField(
        _l("Short name of the agency"), validators=[Optional(), Length(max=40)]
    )
    phone = _field("phone", 60)
    register_court = _field("register_court", 120)
    register_number = _field("register_number", 60)
    vat_id = _field("vat_id", 30)
    imprint_note = TextAreaField(
        IMPRINT_FIELDS["imprint_note"], validators=[Optional(), Length(max=2000)]
    )
    privacy_url = StringField(
        IMPRINT_FIELDS["privacy_url"],
        validators=[
            DataRequired(NEEDED),
            Length(max=300),
            Regexp(
                r"^(/|https://)\S*$",
                message=_l("Enter a path of this site (/…) or an https:// address."),
            ),
        ],
    )


class JointSenderForm(Form):
    sender_name = StringField(
        _l("Sender name"), validators=[DataRequired(NEEDED), Length(max=120)]
    )
    sender_email = EmailField(
        _l("Sender address"),
        validators=[
            DataRequired(NEEDED),
            Length(max=254),
            Email(_l("Please enter a valid email address, like name@example.org.")),
        ],
    )

    def validate_sender_name(self, field: Field) -> None:
        """The list is both agencies' (Art. 26 GDPR): its mails say so by name."""
        missing = agencies_not_named(field.data or "", all_regions(db.session))
        if missing:
            raise ValidationError(
                _(
                    "The sender name must name both agencies, the joint controllers "
                    "of the list, by their names or short names. Missing: "
                    "%(missing)s.",
                    missing=", ".join(
                        f"{r.agency} ({r.short_name})" if r.short_name else r.agency
                        for r in missing
                    ),
                )
            )
