"""Subscriber exports too large to write during a request (gunicorn ends a request
after 30 s; an XLSX of a whole region takes longer): the page orders one, the worker
writes it, its page offers the download, and a day later it is deleted."""

from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select

from core.db import SessionLike, db, utcnow
from core.models import User
from core.spreadsheet import xlsx_file
from newsletter.audience import exports
from newsletter.audience.filters import SubscriberFilter, subscribers_query
from newsletter.audience.import_columns import export_header
from newsletter.audience.models import ExportStatus, SubscriberExport
from newsletter.audience.scope import Scope

KEPT_FOR = timedelta(days=1)


def order_export(
    session: SessionLike,
    user_id: int,
    regions: set[int] | None,
    criteria: SubscriberFilter,
) -> SubscriberExport:
    """Queue an export of the subscribers matching `criteria` within `regions`."""
    export = SubscriberExport(
        user_id=user_id,
        region_ids=None if regions is None else sorted(regions),
        filters=criteria.as_dict(),
    )
    session.add(export)
    session.flush()
    return export


def run_queued_exports() -> int:
    """Job: write every ordered export, and delete those older than a day; returns
    how many it wrote. Writing again after a crash gives the same file."""
    delete_expired_exports()
    waiting = select(SubscriberExport.id).where(
        SubscriberExport.status == ExportStatus.QUEUED
    )
    written = 0
    for export_id in list(db.session.scalars(waiting.order_by(SubscriberExport.id))):
        export = db.session.get(SubscriberExport, export_id)
        assert export is not None  # noqa: S101 - just selected
        write_export(db.session, export)
        db.session.commit()
        written += 1
    return written


def delete_expired_exports() -> None:
    """Exports older than a day go. Idle, this only reads: the job runs every few
    seconds, and on SQLite each write would queue behind the sender's."""
    expired = list(
        db.session.scalars(
            select(SubscriberExport.id).where(
                SubscriberExport.created_at < utcnow() - KEPT_FOR
            )
        )
    )
    if expired:
        db.session.execute(
            delete(SubscriberExport).where(SubscriberExport.id.in_(expired))
        )
    db.session.commit()


def write_export(session: SessionLike, export: SubscriberExport) -> None:
    """The workbook, in the orderer's language, into the export's row."""
    user = session.get(User, export.user_id)
    # The orderer's scope as it is now: a list taken from her meanwhile is left out.
    scope = (
        Scope.of(session, user) if user is not None else Scope(frozenset(), frozenset())
    )
    query = subscribers_query(SubscriberFilter.from_mapping(export.filters), scope)
    with force_locale((user.language if user else None) or "de"):
        sheets = [
            (
                _("Subscribers"),
                export_header(),
                exports.rows(session, query, scope.list_ids),
            )
        ]
        with xlsx_file(sheets) as workbook:
            export.content = workbook.read()
    export.rows = exports.count(session, query)
    export.status = ExportStatus.READY
    export.finished_at = utcnow()
