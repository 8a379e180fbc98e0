"""Confirmed imports run in the worker, not in the request: a file of 50,000 rows and
as many opt-in mails would outlast any request. The page shows the progress.

The job is idempotent: the rows are written in one transaction that also records
which new subscribers await the opt-in mail; the mails then go out one by one, each
committed, and a restart sends only those not sent yet."""

from flask import current_app
from sqlalchemy import select, update

from core.audit import record
from core.db import db
from core.models import Region
from newsletter.audience.erasure import erasure_key
from newsletter.audience.importing import ImportFileError, apply_import, check_rows
from newsletter.audience.models import ImportBatch, ImportStatus, Subscriber
from newsletter.audience.subscriptions import record_confirmation_sent
from newsletter.audience.system_mails import send_confirmation


def queue_import(batch: ImportBatch) -> None:
    """Hand the confirmed batch to the worker."""
    batch.status = ImportStatus.QUEUED


def run_queued_imports() -> int:
    """Job: import every confirmed batch and send its opt-in mails; returns how
    many batches it finished."""
    finished = 0
    waiting = select(ImportBatch.id).where(
        ImportBatch.status.in_((ImportStatus.QUEUED, ImportStatus.RUNNING))
    )
    for batch_id in list(db.session.scalars(waiting.order_by(ImportBatch.id))):
        db.session.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(status=ImportStatus.RUNNING)
        )
        db.session.commit()
        batch = db.session.get(ImportBatch, batch_id)
        assert batch is not None  # noqa: S101 - just updated
        if batch.applied_at is None:
            _write_rows(batch)
        _send_opt_in_mails(batch)
        batch.status = ImportStatus.DONE
        db.session.commit()
        finished += 1
    return finished


def _write_rows(batch: ImportBatch) -> None:
    region = db.session.get(Region, batch.region_id)
    assert region is not None  # noqa: S101 - foreign key
    try:
        reports = check_rows(
            db.session,
            region,
            batch.data["headers"],
            batch.data["rows"],
            batch.data.get("mapping", {}),
            erasure_key(),
        )
    except ImportFileError as error:
        batch.result = {"error": str(error), "imported": 0, "pending_ids": []}
        batch.status = ImportStatus.DONE
        db.session.commit()
        return
    pending = apply_import(db.session, batch, region, reports)
    imported = sum(1 for report in reports if report.importable)
    batch.result = {
        "imported": imported,
        "pending_ids": [subscriber.id for subscriber in pending],
        "mails_failed": 0,
    }
    batch.total, batch.done = len(pending), 0
    record(
        db.session,
        batch.user_id,
        "import",
        "subscribers",
        batch.id,
        filename=batch.filename,
        imported=imported,
        pending=len(pending),
    )
    db.session.commit()


def _send_opt_in_mails(batch: ImportBatch) -> None:
    failed = 0
    for subscriber_id in batch.result.get("pending_ids", []):
        subscriber = db.session.get(Subscriber, subscriber_id)
        if subscriber is None or subscriber.confirmation_sent_at is not None:
            continue  # erased meanwhile, or sent (and counted) before a restart
        lists = [s.mailing_list for s in subscriber.subscriptions]
        try:
            send_confirmation(subscriber, lists)
        except OSError as error:
            current_app.logger.warning("opt-in mail of an import failed: %s", error)
            failed += 1
        else:
            record_confirmation_sent(
                db.session, subscriber, [m.id for m in lists], "import"
            )
        batch.done += 1
        db.session.commit()
    batch.done = batch.total
    if failed:
        batch.result = {**batch.result, "mails_failed": failed}


def progress(batch: ImportBatch) -> dict[str, object]:
    """What the page shows while the worker imports."""
    return {
        "status": batch.status,
        "done": batch.done,
        "total": batch.total,
        "imported": batch.result.get("imported"),
        "mails_failed": batch.result.get("mails_failed", 0),
        "error": batch.result.get("error", ""),
    }
