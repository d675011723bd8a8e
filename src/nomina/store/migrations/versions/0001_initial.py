"""initial register: sources, batches, records, fields, events, quarantine, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-25 14:24:11.589697
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=True),
        sa.Column("object_id", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=True),
        sa.Column("reliability", sa.String(length=1), nullable=False),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint(
            "title", "kind", "received", name=op.f("uq_sources_title_kind_received")
        ),
    )
    op.create_table(
        "batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("encoding", sa.String(length=16), nullable=True),
        sa.Column("delimiter", sa.String(length=4), nullable=True),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("records_added", sa.Integer(), nullable=False),
        sa.Column("rows_quarantined", sa.Integer(), nullable=False),
        sa.Column("blank_rows", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ingested_by", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_batches_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
        sa.UniqueConstraint("file_sha256", name=op.f("uq_batches_file_sha256")),
    )
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batches_source_id"), ["source_id"], unique=False)

    op.create_table(
        "quarantine",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.id"], name=op.f("fk_quarantine_batch_id_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantine_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "records",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.id"], name=op.f("fk_records_batch_id_batches")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_records_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records")),
        sa.UniqueConstraint("batch_id", "row_number", name=op.f("uq_records_batch_id_row_number")),
    )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_records_source_id"), ["source_id"], unique=False)

    op.create_table(
        "quarantine_problems",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("quarantine_id", sa.BigInteger(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=True),
        sa.Column("column_name", sa.Text(), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["quarantine_id"],
            ["quarantine.id"],
            name=op.f("fk_quarantine_problems_quarantine_id_quarantine"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine_problems")),
    )
    with op.batch_alter_table("quarantine_problems", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quarantine_problems_quarantine_id"), ["quarantine_id"], unique=False
        )

    op.create_table(
        "record_events",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("date_precision", sa.String(length=5), nullable=True),
        sa.Column("reported_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_record_events_record_id_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_events")),
    )
    with op.batch_alter_table("record_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_events_record_id"), ["record_id"], unique=False)

    op.create_table(
        "record_fields",
        sa.Column("record_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("given_name", sa.Text(), nullable=True),
        sa.Column("family_name", sa.Text(), nullable=True),
        sa.Column("patronymic", sa.Text(), nullable=True),
        sa.Column("name_script", sa.String(length=16), nullable=True),
        sa.Column("name_latin", sa.Text(), nullable=True),
        sa.Column("birth_date", sa.String(length=10), nullable=True),
        sa.Column("birth_date_precision", sa.String(length=5), nullable=True),
        sa.Column("birth_place", sa.Text(), nullable=True),
        sa.Column("birth_country", sa.String(length=16), nullable=True),
        sa.Column("citizenship", sa.String(length=16), nullable=True),
        sa.Column("document_issuer", sa.String(length=16), nullable=True),
        sa.Column("document_number", sa.Text(), nullable=True),
        sa.Column("service_number", sa.Text(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("military_unit", sa.Text(), nullable=True),
        sa.Column("rank", sa.Text(), nullable=True),
        sa.Column("recruitment_channel", sa.Text(), nullable=True),
        sa.Column("source_key", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_record_fields_record_id_records")
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_record_fields")),
    )
    with op.batch_alter_table("record_fields", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_fields_document_number"), ["document_number"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("record_fields", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_fields_document_number"))

    op.drop_table("record_fields")
    with op.batch_alter_table("record_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_events_record_id"))

    op.drop_table("record_events")
    with op.batch_alter_table("quarantine_problems", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_problems_quarantine_id"))

    op.drop_table("quarantine_problems")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_records_source_id"))

    op.drop_table("records")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_batch_id"))

    op.drop_table("quarantine")
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batches_source_id"))

    op.drop_table("batches")
    op.drop_table("sources")
    op.drop_table("audit_log")
