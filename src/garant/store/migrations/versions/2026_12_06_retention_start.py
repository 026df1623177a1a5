"""retention start from a related row

Revision ID: 0016_retention_start
Revises: 0015_erasure_cycles
"""

from collections.abc import Sequence

revision: str = "0016_retention_start"
down_revision: str | Sequence[str] | None = "0015_erasure_cycles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
