"""security hardening (sessions, links, codes, own-data retention)

Revision ID: 0014_hardening
Revises: 0013_retention_safety
"""

from collections.abc import Sequence

revision: str = "0014_hardening"
down_revision: str | Sequence[str] | None = "0013_retention_safety"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
