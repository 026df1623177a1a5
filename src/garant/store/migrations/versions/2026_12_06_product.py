"""product flows: reply review, mail viewer

Revision ID: 0016_product
Revises: 0015_policy_open

Empty until its feature needs tables or columns; a landed revision is never edited
afterwards (docs/dev/contracts.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0016_product"
down_revision: str | Sequence[str] | None = "0015_policy_open"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
