"""The one table of the throttle: a row per counted attempt, by keyed hash only.

No clear personal value is ever stored: ``key_hash`` is a keyed hash (``garant.keys``,
purpose ``throttle.key``) of an address, a client IP or a check's id. Rows older than
their window are pruned as new ones arrive.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from garant.store.base import Base


class ThrottleHit(Base):
    __tablename__ = "throttle_hits"
    __table_args__ = (
        Index("ix_throttle_hits_key", "scope", "key_hash", "at"),
        Index("ix_throttle_hits_scope_at", "scope", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(60))
    key_hash: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]
