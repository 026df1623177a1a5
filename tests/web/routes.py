"""Every route of the app, flattened: FastAPI (0.16x) keeps an included router as one
entry of ``app.routes``, so a plain walk of ``app.routes`` sees only the top level."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def all_routes(app: Any) -> Iterator[Any]:
    """Each route with its ``path``, ``methods`` and ``dependant`` (its routers' included)."""
    for route in app.routes:
        nested = getattr(route, "effective_route_contexts", None)
        if nested is not None:
            yield from nested()
        else:
            yield route
