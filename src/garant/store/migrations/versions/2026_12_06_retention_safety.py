"""retention sweep approvals and safety limits

Revision ID: 0013_retention_safety
Revises: 0012_evidence

Empty until its feature needs tables or columns; a landed revision is never edited
afterwards (docs/dev/contracts.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0013_retention_safety"
down_revision: str | Sequence[str] | None = "0012_evidence"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
