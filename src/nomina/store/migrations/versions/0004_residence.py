"""residence: a record's home or registration address, compared by linkage

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 17:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("record_fields") as batch:
        batch.add_column(sa.Column("residence", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("record_fields") as batch:
        batch.drop_column("residence")
