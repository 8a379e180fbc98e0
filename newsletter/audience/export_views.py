"""Ordering a large subscriber export, its page while the worker writes it, and its
download: only for the manager who ordered it."""

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.db import db
from core.forms import ConfirmForm
from core.policy import requires, visible_region_ids
from newsletter.audience.export_jobs import KEPT_FOR, order_export
from newsletter.audience.filters import SubscriberFilter
from newsletter.audience.models import ExportStatus, SubscriberExport
from newsletter.blueprint import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def own_export(export_id: int) -> SubscriberExport:
    """The export if the current user ordered it; anyone else learns nothing (404)."""
    export = db.session.get(SubscriberExport, export_id)
    if export is None or export.user_id != current_user.id:
        abort(404)
    return export


@bp.route("/subscribers/exports", methods=["POST"])
@requires("subscribers")
def order_subscriber_export() -> BaseResponse:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    criteria = SubscriberFilter.from_mapping(request.form)
    export = order_export(
        db.session, current_user.id, visible_region_ids(current_user), criteria
    )
    record(
        db.session,
        current_user.id,
        "export",
        "subscribers",
        None,
        format="xlsx",
        filters=criteria.as_dict(),
        in_worker=True,
    )
    db.session.commit()
    return redirect(url_for("newsletter.subscriber_export", export_id=export.id))


@bp.route("/subscribers/exports/<int:export_id>")
@requires("subscribers")
def subscriber_export(export_id: int) -> str:
    return render_template(
        "newsletter/export_status.html",
        export=own_export(export_id),
        ready=ExportStatus.READY,
        keep_for=KEPT_FOR,
    )


@bp.route("/subscribers/exports/<int:export_id>/download")
@requires("subscribers")
def download_subscriber_export(export_id: int) -> Response:
    export = own_export(export_id)
    if export.status != ExportStatus.READY or export.content is None:
        abort(404)
    return Response(
        export.content,
        mimetype=XLSX,
        headers={"Content-Disposition": 'attachment; filename="abonnenten.xlsx"'},
    )
