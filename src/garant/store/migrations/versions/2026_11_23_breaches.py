"""breaches tables

Revision ID: 0007_breaches
Revises: 0006_rights
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import garant.store.base  # noqa: F401

revision: str = "0007_breaches"
down_revision: str | Sequence[str] | None = "0006_rights"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
