"""stable reason codes for deliveries and campaigns

Deliveries get a `reason` code (managers read it as a German explanation; the
relay's own answer stays in `last_error`). A campaign's free-text `paused_reason`
becomes `stop_reason`, a code, with `stop_details` for what its explanation needs.
Texts stored so far are mapped to codes; nothing readable is lost (an unknown pause
text stays in the details).

Revision ID: 5e1f0c2a9b7d
Revises: c451490b5a7f
Create Date: 2026-12-04 18:30:00

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b7d'
down_revision = 'c451490b5a7f'
branch_labels = None
depends_on = None

deliveries = sa.table(
    "deliveries",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("reason", sa.String),
    sa.column("last_error", sa.String),
)
campaigns = sa.table(
    "campaigns",
    sa.column("id", sa.Integer),
    sa.column("paused_reason", sa.String),
    sa.column("stop_reason", sa.String),
    sa.column("stop_details", sa.JSON),
)
# What the sender, the outbox and the bounce reader wrote before codes existed.
FIXED_TEXTS = {
    "left the list before sending": ("left_before_sending", ""),
    "cancelled": ("cancelled", ""),
    "interrupted between the server's reply and our record": ("interrupted", ""),
}
OUTAGE = re.compile(r"(\d+) errors in a row; last: (.*)", re.DOTALL)
PERSON = re.compile(r"(?:paused by|pausiert von) (.*)", re.DOTALL)


def delivery_reason(status: str, text: str) -> tuple[str, str]:
    """(code, relay answer to keep) for an old last_error."""
    if text in FIXED_TEXTS:
        return FIXED_TEXTS[text]
    if not text:
        return ("interrupted", "") if status == "uncertain" else ("", "")
    code = re.match(r"\s*(\d)\d\d\b", text)
    enhanced = re.search(r"\b([245])\.(\d{1,3})\.\d{1,3}\b", text)
    if code and code.group(1) == "4":
        return "deferred", text
    if enhanced and enhanced.group(1) == "5":
        if enhanced.group(2) == "1":
            return "mailbox_unknown", text
        if enhanced.group(2) == "7":
            return "refused_by_policy", text
        return "refused", text
    if code and code.group(1) == "5":
        return "refused", text
    return "connection_lost", text


def stop_reason(text: str) -> tuple[str, dict]:
    if not text:
        return "", {}
    outage = OUTAGE.fullmatch(text)
    if outage:
        return "relay_outage", {"errors": int(outage.group(1)), "answer": outage.group(2)}
    person = PERSON.fullmatch(text)
    if person:
        return "by_person", {"by": person.group(1)}
    return "by_person", {"note": text}


def upgrade():
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('reason', sa.String(length=40), nullable=False, server_default="")
        )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('stop_reason', sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column('stop_details', sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(deliveries.c.id, deliveries.c.status, deliveries.c.last_error).where(
            (deliveries.c.last_error != "") | (deliveries.c.status == "uncertain")
        )
    ).all()
    changes = []
    for row_id, status, text in rows:
        code, answer = delivery_reason(status, text or "")
        changes.append({"row_id": row_id, "code": code, "answer": answer})
    for start in range(0, len(changes), 1000):
        connection.execute(
            deliveries.update()
            .where(deliveries.c.id == sa.bindparam("row_id"))
            .values(reason=sa.bindparam("code"), last_error=sa.bindparam("answer")),
            changes[start : start + 1000],
        )
    for row_id, text in connection.execute(
        sa.select(campaigns.c.id, campaigns.c.paused_reason)
    ).all():
        code, details = stop_reason(text or "")
        connection.execute(
            campaigns.update()
            .where(campaigns.c.id == row_id)
            .values(stop_reason=code, stop_details=details)
        )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.alter_column('stop_details', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('paused_reason')


def downgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('paused_reason', sa.String(length=300), nullable=False, server_default="")
        )
    connection = op.get_bind()
    for row_id, code, details in connection.execute(
        sa.select(campaigns.c.id, campaigns.c.stop_reason, campaigns.c.stop_details)
    ).all():
        details = details or {}
        if code == "relay_outage":
            text = f"{details.get('errors', 0)} errors in a row; last: {details.get('answer', '')}"
        elif code == "by_person":
            text = details.get("note") or f"paused by {details.get('by', '')}"
        else:
            text = code
        connection.execute(
            campaigns.update().where(campaigns.c.id == row_id).values(paused_reason=text[:300])
        )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('stop_details')
        batch_op.drop_column('stop_reason')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('reason')
