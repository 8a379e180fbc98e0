"""The profile form a subscriber fills in and confirms, and the managers' forms."""

import re
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from core.db import SessionLike
from core.forms import Form
from landscape.profiles import ProfileData
from newsletter.audience.forms import MultiCheckboxField, org_type_choices
from newsletter.audience.models import Topic


def _web_address(form: Form, field: Any) -> None:
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(
            _l("Please enter the full address, beginning with https://.")
        )


# What identifies a person beyond her organisation: the page is public, and
# contact comes about through an introduction by the agencies.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w])(\+|0)\d[\d /().-]{5,}\d")


def _no_contact_details(form: Form, field: Any) -> None:
    if field.data and (_EMAIL.search(field.data) or _PHONE.search(field.data)):
        raise ValidationError(
            _l(
                "Please put no email addresses or phone numbers in the description: "
                "the page is public, and contact comes about through the agencies."
            )
        )


class ProfileForm(Form):
    organisation = StringField(
        _l("Organisation"),
        validators=[
            DataRequired(_l("Please enter the name of your organisation.")),
            Length(max=200),
        ],
    )
    org_type = SelectField(
        _l("Type of organisation"),
        validators=[DataRequired(_l("Please choose the type of your organisation."))],
    )
    place = StringField(_l("District or city"), validators=[Length(max=120)])
    website = StringField(
        _l("Website"), validators=[Optional(), Length(max=300), _web_address]
    )
    description = TextAreaField(
        _l("Short description"), validators=[Length(max=600), _no_contact_details]
    )
    offers = MultiCheckboxField(_l("Topics we offer"), coerce=int)
    needs = MultiCheckboxField(_l("Topics we are looking for"), coerce=int)
    consent = BooleanField()
    # "preview" shows the profile as others will see it; "confirm" saves it.
    step = HiddenField(default="preview")

    def fill_choices(self, session: SessionLike, language: str) -> None:
        self.org_type.choices = org_type_choices()
        topics = [
            SelectChoice(t.id, t.label(language))
            for t in session.scalars(select(Topic).order_by(Topic.name))
        ]
        self.offers.choices = topics
        self.needs.choices = topics

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.offers.data or self.needs.data):
            self.offers.errors = [
                *self.offers.errors,
                str(_l("Please choose at least one topic you offer or look for.")),
            ]
            valid = False
        if self.step.data == "confirm" and not self.consent.data:
            self.consent.errors = [
                *self.consent.errors,
                str(_l("Please agree so that we may show your profile.")),
            ]
            valid = False
        return valid

    def data_for_profile(self) -> ProfileData:
        return ProfileData(
            organisation=(self.organisation.data or "").strip(),
            org_type=self.org_type.data or "",
            place=(self.place.data or "").strip(),
            website=(self.website.data or "").strip(),
            description=(self.description.data or "").strip(),
            offers=list(self.offers.data or []),
            needs=list(self.needs.data or []),
        )

    def load(self, data: ProfileData) -> None:
        self.process(
            data={
                "organisation": data.organisation,
                "org_type": data.org_type,
                "place": data.place,
                "website": data.website,
                "description": data.description,
                "offers": data.offers,
                "needs": data.needs,
            }
        )
