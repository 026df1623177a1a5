"""rights tables

Revision ID: 0006_rights
Revises: 0005_retention
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import garant.store.base

revision: str = "0006_rights"
down_revision: str | Sequence[str] | None = "0005_retention"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasure_journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=80), nullable=False),
        sa.Column("collection", sa.String(length=120), nullable=False),
        sa.Column("key_hash", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("erased_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replayed_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_journal")),
        sa.UniqueConstraint(
            "request_id", "system", "collection", "key_hash", name="uq_erasure_journal_row"
        ),
    )
    with op.batch_alter_table("erasure_journal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_erasure_journal_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "identity_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("code_hash", sa.String(length=80), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("expires_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("document_type", sa.String(length=40), nullable=True),
        sa.Column("document", sa.LargeBinary(), nullable=True),
        sa.Column(
            "document_deleted_at", garant.store.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("checked_by", sa.String(length=200), nullable=True),
        sa.Column("checked_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_checks")),
    )
    with op.batch_alter_table("identity_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_checks_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identity_checks_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "request_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=80), nullable=False),
        sa.Column("collection", sa.String(length=120), nullable=False),
        sa.Column("key_hash", sa.String(length=80), nullable=False),
        sa.Column("field", sa.String(length=120), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_corrections")),
    )
    with op.batch_alter_table("request_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_corrections_key_hash"), ["key_hash"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_request_corrections_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "request_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(length=120), nullable=False),
        sa.Column("decision", sa.String(length=30), nullable=False),
        sa.Column("ground", sa.String(length=60), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("proposed", sa.Boolean(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_decisions")),
        sa.UniqueConstraint("request_id", "activity", name="uq_request_decisions_activity"),
    )
    with op.batch_alter_table("request_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_decisions_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "request_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("copy_number", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("expires_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("downloaded_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_packages")),
    )
    with op.batch_alter_table("request_packages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_packages_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "request_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("done_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_steps")),
        sa.UniqueConstraint("request_id", "step", name="uq_request_steps_step"),
    )
    with op.batch_alter_table("request_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_steps_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "request_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("receipt", sa.JSON(), nullable=True),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_tasks")),
        sa.UniqueConstraint("request_id", "kind", "target", name="uq_request_tasks_target"),
    )
    with op.batch_alter_table("request_tasks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_tasks_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "rights_directives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_ref", sa.String(length=80), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=True),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("consent_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("death_recorded_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("applied_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_directives")),
    )
    with op.batch_alter_table("rights_directives", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rights_directives_subject_ref"), ["subject_ref"], unique=False
        )

    op.create_table(
        "rights_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("requester_kind", sa.String(length=30), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("entity", sa.String(length=80), nullable=True),
        sa.Column("subject_ref", sa.String(length=80), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=True),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("received_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_day", sa.Date(), nullable=False),
        sa.Column("due_day", sa.Date(), nullable=False),
        sa.Column("original_due_day", sa.Date(), nullable=False),
        sa.Column("pauses", sa.JSON(), nullable=False),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("extension_told_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("verified_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("verification_method", sa.String(length=30), nullable=True),
        sa.Column("found", sa.Boolean(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("fee_cents", sa.Integer(), nullable=True),
        sa.Column("fee_reason", sa.Text(), nullable=True),
        sa.Column("follow_token_hash", sa.String(length=80), nullable=True),
        sa.Column("reminded", sa.JSON(), nullable=False),
        sa.Column("replied_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_requests")),
    )
    with op.batch_alter_table("rights_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rights_requests_closed_at"), ["closed_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_rights_requests_due_day"), ["due_day"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_rights_requests_follow_token_hash"), ["follow_token_hash"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_rights_requests_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_rights_requests_subject_ref"), ["subject_ref"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_rights_requests_type"), ["type"], unique=False)

    op.create_table(
        "rights_restriction_refs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("restriction_id", sa.Integer(), nullable=False),
        sa.Column("subject_ref", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_restriction_refs")),
    )
    with op.batch_alter_table("rights_restriction_refs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rights_restriction_refs_restriction_id"),
            ["restriction_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_rights_restriction_refs_subject_ref"), ["subject_ref"], unique=False
        )

    op.create_table(
        "rights_restrictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("ground", sa.String(length=40), nullable=False),
        sa.Column("activities", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lift_notice_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lifted_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_restrictions")),
    )
    with op.batch_alter_table("rights_restrictions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rights_restrictions_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("rights_restrictions")
    op.drop_table("rights_restriction_refs")
    op.drop_table("rights_requests")
    op.drop_table("rights_directives")
    op.drop_table("request_tasks")
    op.drop_table("request_steps")
    op.drop_table("request_packages")
    op.drop_table("request_decisions")
    op.drop_table("request_corrections")
    op.drop_table("identity_checks")
    op.drop_table("erasure_journal")
