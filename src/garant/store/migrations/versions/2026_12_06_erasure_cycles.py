"""erasure of composite keys under a duty and of reference cycles

Revision ID: 0015_erasure_cycles
Revises: 0014_hardening
"""

from collections.abc import Sequence

revision: str = "0015_erasure_cycles"
down_revision: str | Sequence[str] | None = "0014_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
