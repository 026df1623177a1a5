"""public rights intake: attempt counters, throttles, reply address proofs, identity documents

Revision ID: 0010_intake_security
Revises: 0009_processor_end

Empty until its feature needs tables or columns; a landed revision is never edited
afterwards (docs/dev/contracts.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0010_intake_security"
down_revision: str | Sequence[str] | None = "0009_processor_end"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
