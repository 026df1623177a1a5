"""retention sweep approvals and safety limits

Revision ID: 0013_retention_safety
Revises: 0012_evidence

Batch key ranges become typed JSON of any length (composite keys, dates, text), a batch
names several bundles (one per destruction date), and the DPO's approvals of sweeps are
recorded. A workspace that already ran a real sweep counts as approved: only new
workspaces wait for their first forecast to be seen.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import garant.store.base

revision: str = "0013_retention_safety"
down_revision: str | Sequence[str] | None = "0012_evidence"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    approvals = op.create_table(
        "retention_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("approved_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("forecast", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_approvals")),
    )
    with op.batch_alter_table("retention_batches", schema=None) as batch_op:
        batch_op.alter_column(
            "key_low", existing_type=sa.VARCHAR(length=100), type_=sa.Text(), existing_nullable=True
        )
        batch_op.alter_column(
            "key_high",
            existing_type=sa.VARCHAR(length=100),
            type_=sa.Text(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "bundle_id",
            existing_type=sa.VARCHAR(length=64),
            type_=sa.Text(),
            existing_nullable=True,
        )
    runs = sa.table(
        "retention_runs",
        sa.column("id", sa.Integer()),
        sa.column("dry_run", sa.Boolean()),
        sa.column("started_at", garant.store.base.UTCDateTime(timezone=True)),
    )
    conn = op.get_bind()
    first = conn.execute(
        sa.select(sa.func.min(runs.c.started_at)).where(runs.c.dry_run == sa.false())
    ).scalar()
    if first is not None:
        conn.execute(
            approvals.insert().values(
                approved_at=first,
                approved_by="migration: swept before approvals existed",
                day=str(first)[:10],
                forecast={},
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("retention_batches", schema=None) as batch_op:
        batch_op.alter_column("bundle_id", existing_type=sa.Text(), type_=sa.VARCHAR(length=64))
        batch_op.alter_column("key_high", existing_type=sa.Text(), type_=sa.VARCHAR(length=100))
        batch_op.alter_column("key_low", existing_type=sa.Text(), type_=sa.VARCHAR(length=100))
    op.drop_table("retention_approvals")
