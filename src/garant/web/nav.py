from __future__ import annotations

from dataclasses import dataclass

from garant.accounts.roles import Permission


@dataclass(frozen=True)
class NavItem:
    """A back-office menu entry, shown to roles that hold ``permission``."""

    label: str
    path: str
    permission: Permission
    order: int = 50
