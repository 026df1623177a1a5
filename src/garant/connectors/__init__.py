"""Connected systems behind one typed protocol (``Connector``).

    connector = open_connector(datamap.system("crm"), workspace=garant.workspace)
    for row in connector.find(collection, ["email"], [("a@b.c",)]):
        ...

``connector_for(garant, system_id)`` keeps one connector per system for the app's life.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from garant.connectors.base import BATCH, Batch, Condition, Connector, Lookup, Row, batched
from garant.connectors.sql import SqlConnector
from garant.datamap.models import System
from garant.errors import ConnectorError

if TYPE_CHECKING:
    from garant.app import Garant

__all__ = [
    "BATCH",
    "Batch",
    "Condition",
    "Connector",
    "Lookup",
    "Row",
    "SqlConnector",
    "batched",
    "connector_for",
    "open_connector",
]


def open_connector(
    system: System, url: str | None = None, *, workspace: Path | None = None
) -> Connector:
    """A new connector for ``system``; its URL from ``url``, else ``$url_env``, else ``url:``."""
    resolved = url or system.connection_url(workspace)
    if not resolved:
        raise ConnectorError(
            f'system "{system.id}": no connection URL (set ${system.url_env} or give url: in '
            "the data map)"
        )
    return SqlConnector(system, resolved)


def connector_for(garant: Garant, system_id: str) -> Connector:
    """The app's connector for a system, opened once and reused (the engine pools)."""
    pool: dict[str, Connector] = garant.extensions.setdefault("connectors", {})
    datamap = garant.datamap
    system = datamap.system(system_id)
    found = pool.get(system_id)
    if found is not None and found.system is not system and found.system != system:
        found.close()  # the map was reloaded with another description of this system
        found = None
    if found is None:
        found = open_connector(system, workspace=datamap.base_dir or garant.workspace)
        pool[system_id] = found
    return found


def close_connectors(garant: Garant) -> None:
    pool: dict[str, Connector] = garant.extensions.pop("connectors", {})
    for connector in pool.values():
        connector.close()
