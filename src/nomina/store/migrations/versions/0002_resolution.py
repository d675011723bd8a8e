"""resolution: runs, pairs, judgements, persons, membership, lineage

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 15:28:18.983918
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resolution_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("engine", sa.String(length=16), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("pairs", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("model", sa.Text(), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolution_runs")),
    )
    op.create_table(
        "person_lineage",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=9), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("other_ids", sa.Text(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["resolution_runs.id"],
            name=op.f("fk_person_lineage_run_id_resolution_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_lineage")),
    )
    with op.batch_alter_table("person_lineage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_lineage_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_lineage_run_id"), ["run_id"], unique=False)

    op.create_table(
        "persons",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("created_run_id", sa.Integer(), nullable=False),
        sa.Column("updated_run_id", sa.Integer(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("certainty", sa.String(length=9), nullable=False),
        sa.Column("certainty_reasons", sa.Text(), nullable=False),
        sa.Column("retired", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_run_id"],
            ["resolution_runs.id"],
            name=op.f("fk_persons_created_run_id_resolution_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_run_id"],
            ["resolution_runs.id"],
            name=op.f("fk_persons_updated_run_id_resolution_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
    )
    op.create_table(
        "judgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("left_record_id", sa.BigInteger(), nullable=False),
        sa.Column("right_record_id", sa.BigInteger(), nullable=False),
        sa.Column("verdict", sa.String(length=9), nullable=False),
        sa.Column("judged_by", sa.Text(), nullable=False),
        sa.Column("judged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["left_record_id"], ["records.id"], name=op.f("fk_judgements_left_record_id_records")
        ),
        sa.ForeignKeyConstraint(
            ["right_record_id"], ["records.id"], name=op.f("fk_judgements_right_record_id_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judgements")),
    )
    with op.batch_alter_table("judgements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_judgements_left_record_id"), ["left_record_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_judgements_right_record_id"), ["right_record_id"], unique=False
        )

    op.create_table(
        "pairs",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("left_record_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("right_record_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("contributions", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["left_record_id"], ["records.id"], name=op.f("fk_pairs_left_record_id_records")
        ),
        sa.ForeignKeyConstraint(
            ["right_record_id"], ["records.id"], name=op.f("fk_pairs_right_record_id_records")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["resolution_runs.id"], name=op.f("fk_pairs_run_id_resolution_runs")
        ),
        sa.PrimaryKeyConstraint("left_record_id", "right_record_id", name=op.f("pk_pairs")),
    )
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pairs_run_id"), ["run_id"], unique=False)

    op.create_table(
        "person_records",
        sa.Column("record_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_person_records_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_person_records_record_id_records")
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_person_records")),
    )
    with op.batch_alter_table("person_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_records_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("person_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_records_person_id"))

    op.drop_table("person_records")
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pairs_run_id"))

    op.drop_table("pairs")
    with op.batch_alter_table("judgements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_judgements_right_record_id"))
        batch_op.drop_index(batch_op.f("ix_judgements_left_record_id"))

    op.drop_table("judgements")
    op.drop_table("persons")
    with op.batch_alter_table("person_lineage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_lineage_run_id"))
        batch_op.drop_index(batch_op.f("ix_person_lineage_person_id"))

    op.drop_table("person_lineage")
    op.drop_table("resolution_runs")
