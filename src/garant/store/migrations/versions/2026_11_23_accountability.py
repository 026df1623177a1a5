"""accountability tables

Revision ID: 0008_accountability
Revises: 0007_breaches
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import garant.store.base  # noqa: F401

revision: str = "0008_accountability"
down_revision: str | Sequence[str] | None = "0007_breaches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
