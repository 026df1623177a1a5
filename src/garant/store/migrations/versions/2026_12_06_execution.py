"""request execution journal and failure states

Revision ID: 0014_execution
Revises: 0013_retention_safety

Empty until its feature needs tables or columns; a landed revision is never edited
afterwards (docs/dev/contracts.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0014_execution"
down_revision: str | Sequence[str] | None = "0013_retention_safety"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
