"""processors can be ended on a day, with a reason

Revision ID: 0009_processor_end
Revises: 0008_accountability

Its own revision, not an edit of 0008: stores created before this change are at 0008 and
must gain the columns on upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_processor_end"
down_revision: str | Sequence[str] | None = "0008_accountability"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processor_processors") as batch:
        batch.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("end_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("processor_processors") as batch:
        batch.drop_column("end_reason")
        batch.drop_column("ended_on")
