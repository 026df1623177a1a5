"""Demo data for the example workspaces: a database that looks like the organization's own.

``build_demo_data(garant, example)`` (called by ``garant demo`` / ``make run``) creates
the example's demo database inside the workspace, where its ``datamap.yaml`` points
(``url:`` of each system, a workspace-relative SQLite file), and writes the record of
what it made for each person beside it (``demo/<example>.truth.json``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from garant.app import Garant

DEMO_PERSONS = 200
DEMO_SEED = 2026


def build_demo_data(garant: Garant, example: str, *, persons: int = DEMO_PERSONS) -> Path | None:
    """Create the example organization's demo database where its data map points; its
    path, or ``None`` when the example has no demo database inside the workspace."""
    from garant.demo.generate import MODULES, generate_database

    if example not in MODULES or not garant.datamap_path.exists():
        return None
    datamap = garant.datamap
    for system in datamap.systems:
        url = datamap.url_of(system)
        if not url or not url.startswith("sqlite:///"):
            continue  # a demo only ever writes a SQLite file inside the workspace
        path = url.removeprefix("sqlite:///")
        database = Path(path) if Path(path).is_absolute() else garant.workspace / path
        truth = garant.workspace / "demo" / f"{example}.truth.json"
        (garant.workspace / "demo").mkdir(exist_ok=True)
        generate_database(
            example, f"sqlite:///{path}", persons=persons, seed=DEMO_SEED, truth_path=truth
        )
        return database
    return None
