"""Demo data for the example workspaces (filled by the data-map feature)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from garant.app import Garant


def build_demo_data(garant: Garant, example: str) -> None:
    """Create the example organization's demo database and Garant's demo records."""
    return None
