"""staff sessions held in the store, login throttling, second factor

Revision ID: 0011_staff_sessions
Revises: 0010_intake_security

Empty until its feature needs tables or columns; a landed revision is never edited
afterwards (docs/dev/contracts.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0011_staff_sessions"
down_revision: str | Sequence[str] | None = "0010_intake_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
