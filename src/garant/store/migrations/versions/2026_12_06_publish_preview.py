"""policy publication preview

Revision ID: 0017_publish_preview
Revises: 0016_retention_start
"""

from collections.abc import Sequence

revision: str = "0017_publish_preview"
down_revision: str | Sequence[str] | None = "0016_retention_start"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
