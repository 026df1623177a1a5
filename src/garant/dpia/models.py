"""Tables of the DPIA feature (Art. 35 and 36 GDPR)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from garant.store.base import Base


class Dpia(Base):
    """A screening and, when needed, the assessment following the CNIL method."""

    __tablename__ = "dpia_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    activity: Mapped[str | None] = mapped_column(String(100), index=True)
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    cnil_list: Mapped[list[str]] = mapped_column(JSON, default=list)
    exception_reason: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="screened")
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    principles: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    risks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    measures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    validation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prior_consultation: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
