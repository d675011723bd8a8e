"""record keys: each record's names normalised once, for linkage

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 17:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_keys",
        sa.Column("record_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name_keys", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_record_keys_record_id_records")
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_record_keys")),
    )


def downgrade() -> None:
    op.drop_table("record_keys")
