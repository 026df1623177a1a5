"""How the datamap feature plugs into the app: job handlers, schedules, dashboard, probes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from garant.app import Garant


def install(garant: Garant) -> None:
    """Register this feature's job handlers, schedulers and dashboard providers."""
