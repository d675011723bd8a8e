"""access: users, liaison countries, API tokens, sessions; the name search index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("disabled", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "user_countries",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("country", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_countries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "country", name=op.f("pk_user_countries")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    op.create_table(
        "search_keys",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("record_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_search_keys_record_id_records")
        ),
        sa.PrimaryKeyConstraint("key", "record_id", name=op.f("pk_search_keys")),
    )
    op.create_table(
        "search_records",
        sa.Column("record_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_search_records_record_id_records")
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_search_records")),
    )
    with op.batch_alter_table("api_tokens") as batch:
        batch.create_index(batch.f("ix_api_tokens_user_id"), ["user_id"])
    with op.batch_alter_table("user_sessions") as batch:
        batch.create_index(batch.f("ix_user_sessions_user_id"), ["user_id"])
    with op.batch_alter_table("search_keys") as batch:
        batch.create_index(batch.f("ix_search_keys_record_id"), ["record_id"])


def downgrade() -> None:
    with op.batch_alter_table("search_keys") as batch:
        batch.drop_index(batch.f("ix_search_keys_record_id"))
    with op.batch_alter_table("user_sessions") as batch:
        batch.drop_index(batch.f("ix_user_sessions_user_id"))
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_index(batch.f("ix_api_tokens_user_id"))
    op.drop_table("search_records")
    op.drop_table("search_keys")
    op.drop_table("user_sessions")
    op.drop_table("api_tokens")
    op.drop_table("user_countries")
    op.drop_table("users")
