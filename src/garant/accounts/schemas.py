"""What goes in and out of the staff-account API (pydantic)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from garant.accounts.roles import Role


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    email: str
    role: Role
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    second_factor: bool = Field(description="A TOTP second factor is enrolled.")


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=12, max_length=1024)
