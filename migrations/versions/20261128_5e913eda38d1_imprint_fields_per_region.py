"""imprint fields per region

A region's imprint was one line of text without contact, representative, register
or VAT id. It becomes the fields § 5 DDG asks for (legal form, street, postcode,
city, representatives, contact email, phone, register court and number, VAT id)
plus a free note. The old line is kept as the note, except where it is still the
placeholder `flask regions init` wrote: those regions get the same complete demo
values a new installation gets (an administrator replaces them in the browser).

Downgrade composes the one line again from the fields.

Revision ID: 5e913eda38d1
Revises: af40c6743dc4
Create Date: 2026-11-28 05:11:04.968273

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e913eda38d1'
down_revision = 'af40c6743dc4'
branch_labels = None
depends_on = None

FIELDS = (
    ("legal_form", 120),
    ("street", 200),
    ("postcode", 10),
    ("city", 120),
    ("representatives", 300),
    ("contact_email", 254),
    ("phone", 60),
    ("register_court", 120),
    ("register_number", 60),
    ("vat_id", 30),
)
# The placeholders of core/regions.py before this revision, and what replaces them.
PLACEHOLDERS = {
    "Südwestfalen Agentur GmbH · Musterstraße 1 · 57462 Olpe": {
        "legal_form": "GmbH",
        "street": "Musterstraße 1",
        "postcode": "57462",
        "city": "Olpe",
        "representatives": "Dr. Maria Beispiel (Geschäftsführerin)",
        "contact_email": "info@suedwestfalen-agentur.example",
        "phone": "+49 2761 90000-0",
        "register_court": "Amtsgericht Siegen",
        "register_number": "HRB 12345",
        "vat_id": "DE123456789",
        "imprint_note": "",
    },
    "Wirtschaftsförderung Dortmund · Musterplatz 2 · 44135 Dortmund": {
        "legal_form": "Eigenbetrieb der Stadt Dortmund",
        "street": "Musterplatz 2",
        "postcode": "44135",
        "city": "Dortmund",
        "representatives": "Erika Musterfrau (Betriebsleiterin) für die Stadt Dortmund",
        "contact_email": "info@wirtschaftsfoerderung-dortmund.example",
        "phone": "+49 231 50-00000",
        "register_court": "",
        "register_number": "",
        "vat_id": "DE987654321",
        "imprint_note": "Als Eigenbetrieb der Stadt Dortmund nicht im Handelsregister eingetragen.",
    },
}


def upgrade():
    with op.batch_alter_table('regions', schema=None) as batch_op:
        for name, length in FIELDS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('imprint_note', sa.Text(), nullable=False, server_default=''))
    connection = op.get_bind()
    regions = connection.execute(sa.text("SELECT id, imprint FROM regions")).all()
    for region_id, imprint in regions:
        values = PLACEHOLDERS.get(imprint or "", {"imprint_note": imprint or ""})
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        connection.execute(
            sa.text(f"UPDATE regions SET {assignments} WHERE id = :id"),
            {**values, "id": region_id},
        )
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_column('imprint')


def _one_line(row):
    name = row.agency
    if row.legal_form and row.legal_form not in name:
        name = f"{name} ({row.legal_form})"
    parts = [
        name,
        row.street,
        " ".join(p for p in (row.postcode, row.city) if p),
        f"Vertreten durch: {row.representatives}" if row.representatives else "",
        f"E-Mail: {row.contact_email}" if row.contact_email else "",
        f"Telefon: {row.phone}" if row.phone else "",
        ", ".join(p for p in (row.register_court, row.register_number) if p),
        f"USt-IdNr.: {row.vat_id}" if row.vat_id else "",
        row.imprint_note,
    ]
    return " · ".join(p for p in parts if p)


def downgrade():
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imprint', sa.TEXT(), nullable=False, server_default=''))
    connection = op.get_bind()
    for row in connection.execute(sa.text("SELECT * FROM regions")).all():
        connection.execute(
            sa.text("UPDATE regions SET imprint = :imprint WHERE id = :id"),
            {"imprint": _one_line(row), "id": row.id},
        )
    with op.batch_alter_table('regions', schema=None) as batch_op:
        for name in ('imprint_note', *(name for name, _length in reversed(FIELDS))):
            batch_op.drop_column(name)
