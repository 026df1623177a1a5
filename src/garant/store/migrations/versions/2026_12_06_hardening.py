"""security hardening (sessions, links, codes, own-data retention)

A download link of a request's package can be revoked before it expires (staff, or the
request erased or withdrawn): ``request_packages.revoked_at`` and ``revoke_reason``, both
empty on the rows already there (their links stay as they were).

Revision ID: 0014_hardening
Revises: 0013_retention_safety
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import garant.store.base

revision: str = "0014_hardening"
down_revision: str | Sequence[str] | None = "0013_retention_safety"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("request_packages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("revoked_at", garant.store.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("revoke_reason", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("request_packages", schema=None) as batch_op:
        batch_op.drop_column("revoke_reason")
        batch_op.drop_column("revoked_at")
