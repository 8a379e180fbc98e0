"""A campaign's delivery counts, kept by the database itself.

Triggers on `deliveries` update the campaign's row in `campaign_counts` in the same
statement as every insert, status change and delete, wherever it comes from (the
senders' gate and results, a cancel, recovery after a crash, bounces, erasure). So the
counts are exact across kill -9 and restarts, the progress page reads one row instead
of recounting a million, and no write of the sender costs an extra round trip.

SQLite has row triggers only; PostgreSQL counts once per statement from the
statement's transition tables (a million rows queued at once cost one update), and
locks the rows in campaign order, so that two senders cannot deadlock on them.

A later migration that rebuilds `deliveries` (SQLite's batch mode copies the table,
and its triggers go with the old one) must call `install_triggers` again;
tests/newsletter/sending/test_campaign_counts.py would notice at head."""

from collections.abc import Mapping

from sqlalchemy import Connection, case, func, select
from sqlalchemy.engine import Dialect

from core.db import SessionLike
from newsletter.sending.models import CampaignCount, Delivery, DeliveryStatus
from newsletter.sending.reasons import Reason

# What each counted column holds, as a condition on a delivery row. A skipped row
# was left out either because the person left or because the issue was cancelled:
# the page says which.
_CANCELLED = f"status = 'skipped' AND reason = '{Reason.CANCELLED.value}'"
COUNTED: dict[str, str] = {
    **{
        status.value: f"status = '{status.value}'"
        for status in DeliveryStatus
        if status != DeliveryStatus.SKIPPED
    },
    "skipped": f"status = 'skipped' AND reason <> '{Reason.CANCELLED.value}'",
    "cancelled": _CANCELLED,
}

_TRIGGERS = ("insert", "update", "delete")


def _row(prefix: str) -> dict[str, str]:
    """Each column's condition on SQLite's NEW or OLD row (0 or 1)."""
    return {
        column: "("
        + condition.replace("status", f"{prefix}.status").replace(
            "reason", f"{prefix}.reason"
        )
        + ")"
        for column, condition in COUNTED.items()
    }


def _sqlite_triggers() -> list[str]:
    columns = ", ".join(COUNTED)
    new, old = _row("NEW"), _row("OLD")
    added = ", ".join(f"{c} = {c} + excluded.{c}" for c in COUNTED)
    moved = ", ".join(f"{c} = {c} - {old[c]} + {new[c]}" for c in COUNTED)
    removed = ", ".join(f"{c} = {c} - {old[c]}" for c in COUNTED)
    return [
        f"""CREATE TRIGGER IF NOT EXISTS deliveries_counted_insert
        AFTER INSERT ON deliveries
        BEGIN
            INSERT INTO campaign_counts (campaign_id, {columns})
            VALUES (NEW.campaign_id, {", ".join(new.values())})
            ON CONFLICT (campaign_id) DO UPDATE SET {added};
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS deliveries_counted_update
        AFTER UPDATE OF status, reason ON deliveries
        WHEN OLD.status IS NOT NEW.status OR OLD.reason IS NOT NEW.reason
        BEGIN
            UPDATE campaign_counts SET {moved} WHERE campaign_id = NEW.campaign_id;
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS deliveries_counted_delete
        AFTER DELETE ON deliveries
        BEGIN
            UPDATE campaign_counts SET {removed} WHERE campaign_id = OLD.campaign_id;
        END""",
    ]


def _sums(rows: str, sign: str = "") -> str:
    counted = ", ".join(
        f"{sign}count(*) FILTER (WHERE {condition}) AS {column}"
        for column, condition in COUNTED.items()
    )
    return f"SELECT campaign_id, {counted} FROM {rows} GROUP BY campaign_id"


def _postgresql_triggers() -> list[str]:
    columns = ", ".join(COUNTED)
    added = ", ".join(f"{c} = c.{c} + excluded.{c}" for c in COUNTED)
    moved = ", ".join(f"{c} = c.{c} + d.{c}" for c in COUNTED)
    summed = ", ".join(f"sum({c}) AS {c}" for c in COUNTED)
    changed = " OR ".join(f"sum({c}) <> 0" for c in COUNTED)

    def apply(deltas: str) -> str:
        return f"""
            WITH d AS MATERIALIZED (
                SELECT campaign_id, {summed} FROM ({deltas}) AS x
                GROUP BY campaign_id HAVING {changed}
            ), locked AS MATERIALIZED (
                SELECT c.campaign_id FROM campaign_counts c
                WHERE c.campaign_id IN (SELECT campaign_id FROM d)
                ORDER BY c.campaign_id FOR UPDATE
            )
            UPDATE campaign_counts c SET {moved} FROM d
                WHERE c.campaign_id = d.campaign_id
                AND c.campaign_id IN (SELECT campaign_id FROM locked);"""

    function = f"""CREATE OR REPLACE FUNCTION deliveries_counted() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO campaign_counts AS c (campaign_id, {columns})
                    {_sums("new_rows")} ORDER BY campaign_id
                    ON CONFLICT (campaign_id) DO UPDATE SET {added};
            ELSIF TG_OP = 'UPDATE' THEN
                {apply(f"{_sums('new_rows')} UNION ALL {_sums('old_rows', '-')}")}
            ELSE
                {apply(_sums("old_rows", "-"))}
            END IF;
            RETURN NULL;
        END $$"""
    return [
        function,
        """CREATE OR REPLACE TRIGGER deliveries_counted_insert AFTER INSERT
        ON deliveries REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION deliveries_counted()""",
        """CREATE OR REPLACE TRIGGER deliveries_counted_update AFTER UPDATE
        ON deliveries REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION deliveries_counted()""",
        """CREATE OR REPLACE TRIGGER deliveries_counted_delete AFTER DELETE
        ON deliveries REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION deliveries_counted()""",
    ]


def trigger_statements(dialect: Dialect) -> list[str]:
    """The DDL that makes the database keep the counts."""
    if dialect.name == "postgresql":
        return _postgresql_triggers()
    return _sqlite_triggers()


def install_triggers(connection: Connection) -> None:
    for statement in trigger_statements(connection.dialect):
        connection.exec_driver_sql(statement)


def drop_triggers(connection: Connection) -> None:
    """For the benchmark's bare baseline and the migration's downgrade."""
    for name in _TRIGGERS:
        connection.exec_driver_sql(
            f"DROP TRIGGER IF EXISTS deliveries_counted_{name}"
            + (" ON deliveries" if connection.dialect.name == "postgresql" else "")
        )


def recount_statement() -> str:
    """Every campaign's counts, counted from the outbox (for the migration)."""
    counted = ", ".join(
        f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"
        for condition in COUNTED.values()
    )
    return (
        f"INSERT INTO campaign_counts (campaign_id, {', '.join(COUNTED)}) "
        f"SELECT campaign_id, {counted} FROM deliveries GROUP BY campaign_id"
    )


def counts(session: SessionLike, campaign_id: int) -> dict[str, int]:
    """The campaign's kept counts: column → number, the zeros left out."""
    row = session.execute(
        select(*(getattr(CampaignCount, c) for c in COUNTED)).where(
            CampaignCount.campaign_id == campaign_id
        )
    ).first()
    if row is None:
        return {}
    return {column: int(n) for column, n in zip(COUNTED, row, strict=True) if n}


def recount(session: SessionLike, campaign_id: int) -> dict[str, int]:
    """The same numbers counted from the outbox (what the kept ones must equal)."""
    cancelled = (Delivery.status == DeliveryStatus.SKIPPED) & (
        Delivery.reason == Reason.CANCELLED
    )
    column = case(
        (cancelled, "cancelled"),
        else_=Delivery.status,
    )
    rows = session.execute(
        select(column, func.count())
        .where(Delivery.campaign_id == campaign_id)
        .group_by(column)
    )
    return {str(name): int(n) for name, n in rows}


def by_status(kept: Mapping[str, int]) -> dict[str, int]:
    """Counts by delivery status (the cancelled are skipped rows)."""
    merged = {k: v for k, v in kept.items() if k != "cancelled"}
    if kept.get("cancelled"):
        merged["skipped"] = merged.get("skipped", 0) + kept["cancelled"]
    return merged
