"""retention tables

Revision ID: 0005_retention
Revises: 0004_consent
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import garant.store.base

revision: str = "0005_retention"
down_revision: str | Sequence[str] | None = "0004_consent"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "archive_bundles",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("system", sa.String(length=100), nullable=False),
        sa.Column("collection", sa.String(length=100), nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("statute", sa.Text(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("manifest_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("destroyed_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("destruction_proof", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_bundles")),
    )
    op.create_table(
        "hold_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("identity_kind", sa.String(length=60), nullable=True),
        sa.Column("subject_ref", sa.String(length=80), nullable=True),
        sa.Column("identity_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("system", sa.String(length=100), nullable=True),
        sa.Column("collection", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("released_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hold_holds")),
    )
    with op.batch_alter_table("hold_holds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hold_holds_subject_ref"), ["subject_ref"], unique=False
        )

    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    op.create_table(
        "retention_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("key_low", sa.String(length=100), nullable=True),
        sa.Column("key_high", sa.String(length=100), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("bundle_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["retention_runs.id"],
            name=op.f("fk_retention_batches_run_id_retention_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_batches")),
    )
    with op.batch_alter_table("retention_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_batches_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_retention_batches_status"), ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("retention_batches")
    op.drop_table("retention_runs")
    op.drop_table("hold_holds")
    op.drop_table("archive_bundles")
