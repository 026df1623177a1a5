"""accountability tables

Revision ID: 0008_accountability
Revises: 0007_breaches
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import garant.store.base

revision: str = "0008_accountability"
down_revision: str | Sequence[str] | None = "0007_breaches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disclosure_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester", sa.String(length=300), nullable=False),
        sa.Column("legal_basis", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("data_description", sa.Text(), nullable=False),
        sa.Column("subject_ref", sa.String(length=80), nullable=True),
        sa.Column("disclosed_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("tell_subject", sa.Boolean(), nullable=False),
        sa.Column("secrecy_reason", sa.Text(), nullable=True),
        sa.Column("audit_seq", sa.Integer(), nullable=True),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_log")),
    )
    with op.batch_alter_table("disclosure_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disclosure_log_subject_ref"), ["subject_ref"], unique=False
        )

    op.create_table(
        "dpia_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("activity", sa.String(length=100), nullable=True),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("cnil_list", sa.JSON(), nullable=False),
        sa.Column("exception_reason", sa.Text(), nullable=True),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("principles", sa.JSON(), nullable=False),
        sa.Column("risks", sa.JSON(), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("validation", sa.JSON(), nullable=False),
        sa.Column("prior_consultation", sa.Boolean(), nullable=False),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpia_records")),
    )
    with op.batch_alter_table("dpia_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dpia_records_activity"), ["activity"], unique=False)

    op.create_table(
        "org_check_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_check_runs")),
    )
    with op.batch_alter_table("org_check_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_check_runs_run_at"), ["run_at"], unique=False)

    op.create_table(
        "org_policy_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=60), nullable=False),
        sa.Column("subject_ref", sa.String(length=80), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("told_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_policy_notices")),
        sa.UniqueConstraint("version", "subject_ref", name=op.f("uq_org_policy_notices_version")),
    )
    with op.batch_alter_table("org_policy_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_policy_notices_subject_ref"), ["subject_ref"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_org_policy_notices_version"), ["version"], unique=False
        )

    op.create_table(
        "org_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=True),
        sa.Column("dated", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("document", sa.String(length=500), nullable=True),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_records")),
    )
    with op.batch_alter_table("org_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_records_kind"), ["kind"], unique=False)

    op.create_table(
        "processor_processors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("service", sa.String(length=400), nullable=False),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("mechanism", sa.String(length=30), nullable=True),
        sa.Column("scc_module", sa.String(length=10), nullable=True),
        sa.Column("dpf_certified", sa.Boolean(), nullable=False),
        sa.Column("derogation", sa.String(length=400), nullable=True),
        sa.Column("tia_date", sa.Date(), nullable=True),
        sa.Column("contract_signed", sa.Date(), nullable=True),
        sa.Column("contract_expires", sa.Date(), nullable=True),
        sa.Column("clauses", sa.JSON(), nullable=False),
        sa.Column("breach_notice_hours", sa.Integer(), nullable=True),
        sa.Column("next_audit", sa.Date(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["processor_processors.id"],
            name=op.f("fk_processor_processors_parent_id_processor_processors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processor_processors")),
        sa.UniqueConstraint("name", name=op.f("uq_processor_processors_name")),
    )
    with op.batch_alter_table("processor_processors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processor_processors_parent_id"), ["parent_id"], unique=False
        )

    op.create_table(
        "processor_audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("processor_id", sa.Integer(), nullable=False),
        sa.Column("audited_on", sa.Date(), nullable=False),
        sa.Column("auditor", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["processor_id"],
            ["processor_processors.id"],
            name=op.f("fk_processor_audits_processor_id_processor_processors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processor_audits")),
    )
    with op.batch_alter_table("processor_audits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processor_audits_processor_id"), ["processor_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("processor_audits")
    op.drop_table("processor_processors")
    op.drop_table("org_records")
    op.drop_table("org_policy_notices")
    op.drop_table("org_check_runs")
    op.drop_table("dpia_records")
    op.drop_table("disclosure_log")
