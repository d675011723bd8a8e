"""timeline: each person's status and facts, contradictions, persons per source, figure
cells, builds

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 19:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_timelines",
        sa.Column("person_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("certainty", sa.String(length=9), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("status_date", sa.String(length=10), nullable=True),
        sa.Column("status_precision", sa.String(length=5), nullable=True),
        sa.Column("status_record_id", sa.BigInteger(), nullable=True),
        sa.Column("contested", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=16), nullable=True),
        sa.Column("first_contracted", sa.String(length=10), nullable=True),
        sa.Column("first_contracted_precision", sa.String(length=5), nullable=True),
        sa.Column("recruitment_channel", sa.Text(), nullable=True),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("event_kinds", sa.Integer(), nullable=False),
        sa.Column("first_known", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_person_timelines_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_timelines")),
    )
    op.create_table(
        "timeline_flags",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("other_record_id", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeline_flags")),
    )
    with op.batch_alter_table("timeline_flags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timeline_flags_person_id"), ["person_id"], unique=False
        )
    op.create_table(
        "person_sources",
        sa.Column("person_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("source_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_person_sources_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("person_id", "source_id", name=op.f("pk_person_sources")),
    )
    op.create_table(
        "figure_cells",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("certainty", sa.String(length=9), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("contested", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=16), nullable=True),
        sa.Column("first_contracted", sa.String(length=10), nullable=True),
        sa.Column("recruitment_channel", sa.Text(), nullable=True),
        sa.Column("event_kinds", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_cells")),
    )
    op.create_table(
        "figure_source_cells",
        sa.Column("certainty", sa.String(length=9), nullable=False),
        sa.Column("source_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("certainty", "source_id", name=op.f("pk_figure_source_cells")),
    )
    op.create_table(
        "timeline_builds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=True),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeline_builds")),
    )


def downgrade() -> None:
    op.drop_table("timeline_builds")
    op.drop_table("figure_source_cells")
    op.drop_table("figure_cells")
    op.drop_table("person_sources")
    with op.batch_alter_table("timeline_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timeline_flags_person_id"))
    op.drop_table("timeline_flags")
    op.drop_table("person_timelines")
