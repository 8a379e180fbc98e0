"""consent texts as versioned records

Consent sentences and privacy notices become rows (`consent_texts`: kind, controller
region or NULL for the joint interregional list, language, version, text); consent
events point at the version shown instead of naming a version string.

Seeded from the constants this replaces (frozen here, word for word): for every
region the consent sentence naming its agency and the privacy notice of its page, in
German and English, and for the joint list new texts naming both agencies. Existing
events of version "2026-11-de-en-1" / "2026-11-1" point at the region's version 1 in
the subscriber's language (what the sign-up page of the region showed; joint-list
sign-ups saw the region's sentence too, so that is what they point at). Events of
other versions (the demo's) point at nothing.

Downgrade writes the version strings back ("2026-11-de-en-1" / "2026-11-1" for
version 1, "db-<id>" for later ones) and drops the table.

Revision ID: af40c6743dc4
Revises: 8ac90fc4e41e
Create Date: 2026-11-28 05:03:52.472754

"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'af40c6743dc4'
down_revision = '8ac90fc4e41e'
branch_labels = None
depends_on = None

CONSENT = {
    "de": (
        "Ja, ich möchte den Newsletter „Brückenschlag“ von {agency} einschließlich "
        "kurzer Umfragen zu Bedarfen und Angeboten per E-Mail erhalten. Meine "
        "Einwilligung kann ich jederzeit über den Abmeldelink in jeder E-Mail "
        "widerrufen."
    ),
    "en": (
        "Yes, I would like to receive the “Brückenschlag” newsletter of {agency}, "
        "including short surveys on needs and offers, by email. I can withdraw my "
        "consent at any time with the unsubscribe link in every email."
    ),
}
JOINT_CONSENT = {
    "de": (
        "Ja, ich möchte den interregionalen Newsletter „Brückenschlag“ von "
        "{agencies} als gemeinsam Verantwortlichen (Art. 26 DSGVO) einschließlich "
        "kurzer Umfragen zu Bedarfen und Angeboten per E-Mail erhalten. Meine "
        "Einwilligung kann ich jederzeit über den Abmeldelink in jeder E-Mail "
        "widerrufen."
    ),
    "en": (
        "Yes, I would like to receive the interregional “Brückenschlag” newsletter "
        "of {agencies} as joint controllers (Art. 26 GDPR), including short surveys "
        "on needs and offers, by email. I can withdraw my consent at any time with "
        "the unsubscribe link in every email."
    ),
}
PRIVACY = {
    "de": (
        "Wir versenden den Newsletter einschließlich kurzer Umfragen auf Grundlage "
        "Ihrer Einwilligung (Art. 6 Abs. 1 lit. a DSGVO). Wir speichern Ihre "
        "Adresse, die Angaben, die Sie freiwillig machen, und den Nachweis Ihrer "
        "Einwilligung. Wir verfolgen nicht, ob Sie E-Mails öffnen oder Links "
        "anklicken.\n\n"
        "Sie können Ihre Einwilligung jederzeit über den Link in jeder E-Mail "
        "widerrufen und in Ihren Einstellungen Ihre Daten herunterladen und "
        "löschen lassen."
    ),
    "en": (
        "We send the newsletter including short surveys on the basis of your "
        "consent (Art. 6(1)(a) GDPR). We store your address, the details you chose "
        "to give, and the proof of your consent. We do not track whether you open "
        "mails or click links.\n\n"
        "You can withdraw your consent at any time with the link in every mail, "
        "download your data and have it deleted in your settings."
    ),
}
JOINT_PRIVACY = {
    "de": (
        "Für den interregionalen Newsletter sind {agencies} gemeinsam "
        "verantwortlich (Art. 26 DSGVO). Sie können Ihre Rechte bei jeder der "
        "beiden geltend machen.\n\n" + PRIVACY["de"]
    ),
    "en": (
        "{agencies} are joint controllers of the interregional newsletter "
        "(Art. 26 GDPR). You can exercise your rights with either of them.\n\n"
        + PRIVACY["en"]
    ),
}
OLD_CONSENT_VERSION = "2026-11-de-en-1"
OLD_PRIVACY_VERSION = "2026-11-1"

texts = sa.table(
    "consent_texts",
    sa.column("kind", sa.String),
    sa.column("region_id", sa.Integer),
    sa.column("language", sa.String),
    sa.column("version", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _agencies(names, language):
    if len(names) < 2:
        return "".join(names)
    joiner = " and " if language == "en" else " und "
    return ", ".join(names[:-1]) + joiner + names[-1]


def _first_versions(connection):
    regions = connection.execute(sa.text("SELECT id, agency FROM regions ORDER BY id")).all()
    # Stored as UTC, as the app's UTCDateTime does (SQLite keeps no zone).
    now = datetime.now(timezone.utc)
    rows = []
    for language in ("de", "en"):
        for region_id, agency in regions:
            rows.append(("consent", region_id, language, CONSENT[language].format(agency=agency)))
            rows.append(("privacy", region_id, language, PRIVACY[language]))
        if regions:
            agencies = _agencies([agency for _id, agency in regions], language)
            rows.append(("consent", None, language, JOINT_CONSENT[language].format(agencies=agencies)))
            rows.append(("privacy", None, language, JOINT_PRIVACY[language].format(agencies=agencies)))
    for kind, region_id, language, text in rows:
        op.execute(
            texts.insert().values(
                kind=kind, region_id=region_id, language=language, version=1,
                text=text, created_at=now,
            )
        )


def _point_events_at(kind, old_column, old_value, with_list):
    op.execute(
        f"UPDATE consent_events SET {kind}_text_id = ("
        " SELECT t.id FROM consent_texts t JOIN subscribers s"
        " ON s.id = consent_events.subscriber_id"
        f" WHERE t.kind = '{kind}' AND t.version = 1 AND t.region_id = s.region_id"
        " AND t.language = CASE WHEN s.language = 'en' THEN 'en' ELSE 'de' END)"
        f" WHERE {old_column} = '{old_value}'"
        + (" AND list_id IS NOT NULL" if with_list else "")
    )


def upgrade():
    op.create_table('consent_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('consent', 'privacy')", name=op.f('ck_consent_texts_kind')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_consent_texts_created_by_users')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_consent_texts_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_texts')),
    sa.UniqueConstraint('kind', 'region_id', 'language', 'version', name=op.f('uq_consent_texts_kind_region_id_language_version'))
    )
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_text_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('privacy_text_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_consent_events_consent_text_id_consent_texts'), 'consent_texts', ['consent_text_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_consent_events_privacy_text_id_consent_texts'), 'consent_texts', ['privacy_text_id'], ['id'])

    _first_versions(op.get_bind())
    # A change of details (no list) showed no consent sentence.
    _point_events_at("consent", "consent_text_version", OLD_CONSENT_VERSION, True)
    _point_events_at("privacy", "privacy_version", OLD_PRIVACY_VERSION, False)

    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.drop_column('consent_text_version')
        batch_op.drop_column('privacy_version')


def downgrade():
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_version', sa.VARCHAR(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('consent_text_version', sa.VARCHAR(length=40), nullable=False, server_default=''))
    for kind, column, first in (
        ("consent", "consent_text_version", OLD_CONSENT_VERSION),
        ("privacy", "privacy_version", OLD_PRIVACY_VERSION),
    ):
        op.execute(
            f"UPDATE consent_events SET {column} = ("
            f" SELECT CASE WHEN t.version = 1 THEN '{first}' ELSE 'db-' || t.id END"
            f" FROM consent_texts t WHERE t.id = consent_events.{kind}_text_id)"
            f" WHERE {kind}_text_id IS NOT NULL"
        )

    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.alter_column('privacy_version', server_default=None)
        batch_op.alter_column('consent_text_version', server_default=None)
        batch_op.drop_constraint(batch_op.f('fk_consent_events_privacy_text_id_consent_texts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_consent_events_consent_text_id_consent_texts'), type_='foreignkey')
        batch_op.drop_column('privacy_text_id')
        batch_op.drop_column('consent_text_id')

    op.drop_table('consent_texts')
