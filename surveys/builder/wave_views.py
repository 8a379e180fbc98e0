"""Starting a survey's next wave (managers)."""

from flask import flash, redirect, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.db import db
from core.policy import requires
from surveys.blueprint import bp
from surveys.builder.views import get_survey, valid_form
from surveys.builder.waves import new_wave


@bp.route("/surveys/<int:survey_id>/new-wave", methods=["POST"])
@requires("surveys")
def survey_new_wave(survey_id: int) -> BaseResponse:
    survey = get_survey(survey_id)
    valid_form()
    wave = new_wave(db.session, survey)
    record(db.session, current_user.id, "create", "survey", wave.id)
    db.session.commit()
    if wave.opens_at is None:
        flash(
            _(
                "The next wave is ready: same questions, no dates yet, so it takes "
                "answers as soon as someone has its link. Set when it opens."
            ),
            "info",
        )
    else:
        flash(
            _(
                "The next wave is ready: same questions, and dates a year after the "
                "last wave (opens %(date)s). Please check them.",
                date=format_datetime(wave.opens_at, "short"),
            ),
            "info",
        )
    return redirect(url_for("surveys.survey_edit", survey_id=wave.id))
