"""audit chain anchors, archive destruction proofs, secrets at rest

Revision ID: 0012_evidence
Revises: 0011_staff_sessions

Empty until its feature needs tables or columns; a landed revision is never edited
afterwards (docs/dev/contracts.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0012_evidence"
down_revision: str | Sequence[str] | None = "0011_staff_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
