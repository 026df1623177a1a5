"""consent tables

Revision ID: 0004_consent
Revises: 0003_datamap
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import garant.store.base

revision: str = "0004_consent"
down_revision: str | Sequence[str] | None = "0003_datamap"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_current",
        sa.Column("subject_ref", sa.String(length=80), nullable=False),
        sa.Column("purpose", sa.String(length=100), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("purpose_version", sa.String(length=40), nullable=True),
        sa.Column("at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("subject_ref", "purpose", name=op.f("pk_consent_current")),
    )
    with op.batch_alter_table("consent_current", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consent_current_purpose",
            ["purpose", "subject_ref", "given", "basis", "purpose_version", "at"],
            unique=False,
        )

    op.create_table(
        "consent_email_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_ref", sa.String(length=80), nullable=False),
        sa.Column("code_hash", sa.String(length=80), nullable=False),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_email_codes")),
    )
    with op.batch_alter_table("consent_email_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_email_codes_subject_ref"), ["subject_ref"], unique=False
        )

    op.create_table(
        "consent_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_ref", sa.String(length=80), nullable=False),
        sa.Column("purpose", sa.String(length=100), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("purpose_version", sa.String(length=40), nullable=True),
        sa.Column("notice_version", sa.String(length=40), nullable=True),
        sa.Column("text_hash", sa.String(length=80), nullable=True),
        sa.Column("at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("audit_seq", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_events")),
    )
    with op.batch_alter_table("consent_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_consent_events_purpose"), ["purpose"], unique=False)
        batch_op.create_index(
            "ix_consent_events_ref_purpose", ["subject_ref", "purpose", "id"], unique=False
        )

    op.create_table(
        "cookie_choices",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("accepted", sa.JSON(), nullable=False),
        sa.Column("refused", sa.JSON(), nullable=False),
        sa.Column("cookie_version", sa.String(length=64), nullable=False),
        sa.Column("gpc", sa.Boolean(), nullable=False),
        sa.Column("chosen_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ask_again_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("audit_seq", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cookie_choices")),
    )
    with op.batch_alter_table("cookie_choices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cookie_choices_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "suppression_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_ref", sa.String(length=80), nullable=False),
        sa.Column("purpose", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("added_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppression_entries")),
    )
    with op.batch_alter_table("suppression_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_suppression_entries_ref_purpose", ["subject_ref", "purpose"], unique=False
        )


def downgrade() -> None:
    op.drop_table("suppression_entries")
    op.drop_table("cookie_choices")
    op.drop_table("consent_events")
    op.drop_table("consent_email_codes")
    op.drop_table("consent_current")
