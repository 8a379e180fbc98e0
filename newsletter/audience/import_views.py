"""The import wizard: upload, check (mapping, preview, report per row), confirm."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from core.db import db
from core.forms import ConfirmForm, refuse_unoffered
from core.ids import form_id
from core.models import Region
from core.policy import check_region, requires, visible_regions
from newsletter.audience.erasure import erasure_key
from newsletter.audience.forms import ImportOptionsForm, ImportUploadForm
from newsletter.audience.import_columns import (
    EXPORT_ONLY,
    FIELDS,
    OWN_FIELD,
    guess_mapping,
)
from newsletter.audience.import_files import ImportFileError, read_table
from newsletter.audience.import_jobs import progress, queue_import
from newsletter.audience.import_sample import sample_csv
from newsletter.audience.importing import check_rows
from newsletter.audience.lists import visible_lists
from newsletter.audience.models import ImportBatch, ImportStatus
from newsletter.audience.scope import current_scope
from newsletter.blueprint import bp


def _batch(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        abort(404)
    check_region(current_user, batch.region_id)
    scope = current_scope()
    if not all(scope.covers(list_id) for list_id in batch.list_ids):
        abort(404)
    return batch


@bp.route("/subscribers/import", methods=["GET", "POST"])
@requires("subscribers")
def import_upload() -> str | BaseResponse:
    form = ImportUploadForm()
    regions = visible_regions()
    region_id = form_id("region_id") or regions[0].id
    region = next((r for r in regions if r.id == region_id), None)
    options = ImportOptionsForm()
    options.lists.choices = [
        SelectChoice(ml.id, ml.name)
        for ml in visible_lists()
        if ml.region_id in (None, region.id if region else None)
    ]
    if request.method == "POST":
        if region is None:
            abort(404)  # a region she may not import into
        refuse_unoffered(options.lists)
    if form.validate_on_submit() and region is not None:
        upload = form.file.data
        content = upload.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
        if len(content) > current_app.config["IMPORT_MAX_BYTES"]:
            form.file.errors = [_("The file is larger than 10 MB.")]
        elif not options.lists.data:
            form.file.errors = [_("Please choose at least one newsletter.")]
        else:
            try:
                headers, rows = read_table(upload.filename or "", content)
            except ImportFileError as error:
                form.file.errors = [str(error)]
            else:
                batch = ImportBatch(
                    region_id=region.id,
                    user_id=current_user.id,
                    filename=(upload.filename or "")[:255],
                    data={
                        "headers": headers,
                        "rows": rows,
                        "mapping": {
                            index: name
                            for index, name in guess_mapping(headers).items()
                            if name != EXPORT_ONLY
                        },
                    },
                    list_ids=list(options.lists.data),
                )
                db.session.add(batch)
                db.session.commit()
                return redirect(url_for("newsletter.import_review", batch_id=batch.id))
    return render_template(
        "newsletter/import_upload.html",
        form=form,
        options=options,
        regions=regions,
        region_id=region_id,
    )


@bp.route("/subscribers/import/beispiel.csv")
@requires("subscribers")
def import_sample() -> BaseResponse:
    """A file to start from, for the region chosen (or the first one shown)."""
    regions = visible_regions()
    region_id = request.args.get("region_id", regions[0].id, type=int)
    region = next((r for r in regions if r.id == region_id), None)
    if region is None:
        abort(404)
    return Response(
        "\ufeff" + sample_csv(region),  # the BOM: Excel then reads the umlauts
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=beispiel-import.csv"},
    )


@bp.route("/subscribers/import/<int:batch_id>", methods=["GET", "POST"])
@requires("subscribers")
def import_review(batch_id: int) -> str | BaseResponse:
    batch = _batch(batch_id)
    region = db.session.get(Region, batch.region_id)
    assert region is not None  # noqa: S101 - foreign key
    if batch.status != ImportStatus.DRAFT:
        return render_template(
            "newsletter/import_progress.html", batch=batch, numbers=progress(batch)
        )
    headers, rows = batch.data["headers"], batch.data["rows"]
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        choices = {*FIELDS, OWN_FIELD}
        mapping = {
            str(index): chosen
            for index in range(len(headers))
            if (chosen := request.form.get(f"column-{index}", "")) in choices
        }
        batch.data = {**batch.data, "mapping": mapping}
        db.session.commit()
        return redirect(url_for("newsletter.import_review", batch_id=batch.id))
    mapping = batch.data.get("mapping", {})
    try:
        reports = check_rows(
            db.session, region, headers, rows, mapping, erasure_key(), batch.list_ids
        )
        problem = None
    except ImportFileError as error:
        reports, problem = [], str(error)
    return render_template(
        "newsletter/import_review.html",
        batch=batch,
        headers=headers,
        mapping=mapping,
        fields=FIELDS,
        recognised=guess_mapping(headers),
        own_field=OWN_FIELD,
        reports=reports,
        problem=problem,
        form=ConfirmForm(),
        preview=rows[:5],
        importable=sum(1 for r in reports if r.importable),
    )


@bp.route("/subscribers/import/<int:batch_id>/apply", methods=["POST"])
@requires("subscribers")
def import_apply(batch_id: int) -> BaseResponse:
    """Confirmed: the worker imports the rows and sends the opt-in mails."""
    batch = _batch(batch_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if batch.status == ImportStatus.DRAFT:
        queue_import(batch)
        db.session.commit()
        flash(_("The import runs; this page shows how far it is."), "info")
    return redirect(url_for("newsletter.import_review", batch_id=batch.id))


@bp.route("/subscribers/import/<int:batch_id>/progress.json")
@requires("subscribers")
def import_progress(batch_id: int) -> dict[str, object]:
    return progress(_batch(batch_id))
