"""staff sessions held in the store, login throttling, second factor

Revision ID: 0011_staff_sessions
Revises: 0010_intake_security

A login is a row (the browser keeps a random id, the store its SHA-256), so that ending
it ends it in every server process; staff users gain the time of their last password
change and an encrypted second-factor secret.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import garant.store.base

revision: str = "0011_staff_sessions"
down_revision: str | Sequence[str] | None = "0010_intake_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, garant.store.base.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        _at("created_at", False),
        _at("last_seen_at", False),
        _at("expires_at", False),
        _at("ended_at", True),
        sa.Column("end_reason", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_users.id"], name=op.f("fk_staff_sessions_user_id_staff_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("id_hash", name=op.f("uq_staff_sessions_id_hash")),
    )
    with op.batch_alter_table("staff_sessions") as batch:
        batch.create_index(batch.f("ix_staff_sessions_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(_at("password_changed_at", True))
        batch.add_column(sa.Column("totp_secret", sa.LargeBinary(), nullable=True))
        batch.add_column(_at("totp_enabled_at", True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_enabled_at")
        batch.drop_column("totp_secret")
        batch.drop_column("password_changed_at")
    op.drop_table("staff_sessions")
