"""How the datamap feature plugs into the app: connectors closed with the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from garant.app import Garant


def install(garant: Garant) -> None:
    """Close the connected systems' pools when the app closes (no connection left behind)."""
    from garant.connectors import close_connectors

    close_store = garant.close

    def close() -> None:
        close_connectors(garant)
        close_store()

    setattr(garant, "close", close)  # noqa: B010 - an instance hook, the class stays untouched
