"""consent tables

Revision ID: 0004_consent
Revises: 0003_datamap
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import garant.store.base  # noqa: F401

revision: str = "0004_consent"
down_revision: str | Sequence[str] | None = "0003_datamap"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
