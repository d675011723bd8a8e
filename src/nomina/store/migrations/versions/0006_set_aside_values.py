"""set-aside values: cells that did not parse in rows kept with that field empty

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 20:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "set_aside_values",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=True),
        sa.Column("column_name", sa.Text(), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_set_aside_values_record_id_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_set_aside_values")),
    )
    with op.batch_alter_table("set_aside_values") as batch:
        batch.create_index(batch.f("ix_set_aside_values_record_id"), ["record_id"])


def downgrade() -> None:
    with op.batch_alter_table("set_aside_values") as batch:
        batch.drop_index(batch.f("ix_set_aside_values_record_id"))
    op.drop_table("set_aside_values")
