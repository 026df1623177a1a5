"""breaches tables

Revision ID: 0007_breaches
Revises: 0006_rights
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import garant.store.base

revision: str = "0007_breaches"
down_revision: str | Sequence[str] | None = "0006_rights"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "breach_breaches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("nature", sa.JSON(), nullable=False),
        sa.Column("occurred_at", garant.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "processor_aware_at", garant.store.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("aware_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reported_by", sa.String(length=200), nullable=False),
        sa.Column("systems", sa.JSON(), nullable=False),
        sa.Column("person_categories", sa.JSON(), nullable=False),
        sa.Column("persons_approx", sa.Integer(), nullable=True),
        sa.Column("data_categories", sa.JSON(), nullable=False),
        sa.Column("records_approx", sa.Integer(), nullable=True),
        sa.Column("likely_consequences", sa.Text(), nullable=False),
        sa.Column("measures_taken", sa.Text(), nullable=False),
        sa.Column("no_notification_reason", sa.Text(), nullable=False),
        sa.Column("no_communication_reason", sa.Text(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=True),
        sa.Column("assessment", sa.JSON(), nullable=True),
        sa.Column("risk", sa.String(length=10), nullable=True),
        sa.Column("notify_authority", sa.Boolean(), nullable=True),
        sa.Column("inform_persons", sa.Boolean(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("override_by", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_breaches")),
        sa.UniqueConstraint("reference", name=op.f("uq_breach_breaches_reference")),
    )
    with op.batch_alter_table("breach_breaches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_breaches_aware_at"), ["aware_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_breach_breaches_status"), ["status"], unique=False)

    op.create_table(
        "breach_communications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("exemption", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("public_communication", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breach_breaches.id"],
            name=op.f("fk_breach_communications_breach_id_breach_breaches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_communications")),
    )
    with op.batch_alter_table("breach_communications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_breach_communications_breach_id"), ["breach_id"], unique=False
        )

    op.create_table(
        "breach_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breach_breaches.id"],
            name=op.f("fk_breach_events_breach_id_breach_breaches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_events")),
    )
    with op.batch_alter_table("breach_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_events_breach_id"), ["breach_id"], unique=False)

    op.create_table(
        "breach_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("notified_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("delay_reasons", sa.Text(), nullable=False),
        sa.Column("authority_reference", sa.String(length=100), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breach_breaches.id"],
            name=op.f("fk_breach_notifications_breach_id_breach_breaches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_notifications")),
    )
    with op.batch_alter_table("breach_notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_breach_notifications_breach_id"), ["breach_id"], unique=False
        )

    op.create_table(
        "breach_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("communication_id", sa.Integer(), nullable=False),
        sa.Column("subject_ref", sa.String(length=80), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("queued_at", garant.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breach_breaches.id"],
            name=op.f("fk_breach_recipients_breach_id_breach_breaches"),
        ),
        sa.ForeignKeyConstraint(
            ["communication_id"],
            ["breach_communications.id"],
            name=op.f("fk_breach_recipients_communication_id_breach_communications"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["mail_outbox.id"],
            name=op.f("fk_breach_recipients_message_id_mail_outbox"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_recipients")),
        sa.UniqueConstraint(
            "breach_id", "subject_ref", name=op.f("uq_breach_recipients_breach_id")
        ),
    )
    with op.batch_alter_table("breach_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_breach_recipients_breach_id"), ["breach_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("breach_recipients")
    op.drop_table("breach_notifications")
    op.drop_table("breach_events")
    op.drop_table("breach_communications")
    op.drop_table("breach_breaches")
