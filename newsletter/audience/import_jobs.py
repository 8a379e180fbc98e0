"""Confirmed imports run in the worker, not in the request: a file of 50,000 rows and
as many opt-in mails would outlast any request. The page shows the progress.

The job is idempotent: the rows are written in one transaction that also queues
the opt-in mails (newsletter.audience.mail_queue); the job then delivers them one by
one, each committed, and a restart sends only those not tried yet. A mail the relay
defers stays in the queue, whose own job retries it."""

from sqlalchemy import select, update

from core.audit import record
from core.db import db
from core.models import Region
from newsletter.audience.erasure import erasure_key
from newsletter.audience.import_files import ImportFileError
from newsletter.audience.import_writing import apply_import
from newsletter.audience.importing import check_rows
from newsletter.audience.mail_queue import deliver, queue_confirmation
from newsletter.audience.models import (
    ImportBatch,
    ImportStatus,
    SystemMail,
    SystemMailStatus,
)


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
            batch.list_ids,
        )
    except ImportFileError as error:
        batch.result = {"error": str(error), "imported": 0, "mail_ids": []}
        batch.status = ImportStatus.DONE
        db.session.commit()
        return
    pending = apply_import(db.session, batch, region, reports)
    mails = [
        queue_confirmation(
            db.session,
            subscriber,
            [
                s.list_id
                for s in subscriber.subscriptions
                if s.list_id in batch.list_ids
            ],
            "import",
        )
        for subscriber in pending
    ]
    imported = sum(1 for report in reports if report.importable)
    batch.result = {
        "imported": imported,
        "mail_ids": [mail.id for mail in mails],
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
    for mail_id in batch.result.get("mail_ids", []):
        mail = db.session.get(SystemMail, mail_id)
        if mail is None or mail.status != SystemMailStatus.QUEUED or mail.attempts:
            continue  # erased meanwhile, or tried (and counted) before a restart
        if not deliver(db.session, mail):
            failed += 1  # the queue's job tries it again
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
