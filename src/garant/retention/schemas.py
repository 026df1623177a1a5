"""What the retention surfaces take and give (pydantic)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class HoldCreate(BaseModel):
    """A legal hold: ``identity`` (``email=...``) or ``collection`` (``SYSTEM.COLLECTION``)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1)
    identity: str | None = None
    collection: str | None = None


class HoldRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    scope: str
    identity_kind: str | None
    system: str | None
    collection: str | None
    reason: str
    source: str | None
    created_at: datetime
    created_by: str
    released_at: datetime | None


class ArchiveRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    system: str
    collection: str
    rule: str
    statute: str | None
    fields: list[str]
    row_count: int
    created_at: datetime
    expires_at: datetime
    reason: str
    destroyed_at: datetime | None


class RunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    as_of: datetime
    started_at: datetime
    finished_at: datetime | None
    status: str
    dry_run: bool
    actor: str
    counts: dict[str, Any]


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dry_run: bool = False


class RestoreCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1)
