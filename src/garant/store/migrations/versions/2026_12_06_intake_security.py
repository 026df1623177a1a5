"""public rights intake: attempt counters, throttles, reply address proofs, identity documents

Revision ID: 0010_intake_security
Revises: 0009_processor_end

The store-backed throttle (``garant.throttle``): one row per counted attempt, by keyed
hash, so that code limits and rate limits hold across server processes and rollbacks.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import garant.store.base

revision: str = "0010_intake_security"
down_revision: str | Sequence[str] | None = "0009_processor_end"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "throttle_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=60), nullable=False),
        sa.Column("key_hash", sa.String(length=80), nullable=False),
        sa.Column("at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_hits")),
    )
    with op.batch_alter_table("throttle_hits", schema=None) as batch_op:
        batch_op.create_index("ix_throttle_hits_key", ["scope", "key_hash", "at"], unique=False)
        batch_op.create_index("ix_throttle_hits_scope_at", ["scope", "at"], unique=False)


def downgrade() -> None:
    op.drop_table("throttle_hits")
