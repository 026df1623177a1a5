"""Generate an example organization's demo database at any size, from a seed.

    truth = generate_database("alliance-francaise", "sqlite:///demo.db", persons=200, seed=7)

Returns (and can write as JSON) the record of what was created for each person.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import create_engine, make_url

from garant.demo import alliance_francaise, def_network, public_body
from garant.demo.truth import Builder
from garant.errors import InvalidInput

MODULES: dict[str, ModuleType] = {
    "alliance-francaise": alliance_francaise,
    "def-network": def_network,
    "public-body": public_body,
}


def generate_database(
    example: str,
    url: str,
    *,
    persons: int = 200,
    seed: int = 1,
    truth_path: Path | None = None,
    record: bool = True,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Create the example's tables (dropping old ones) and fill them; return the record.

    ``progress(n)`` hears every 500 persons made; ``record=False`` keeps no record (for
    benchmark sizes)."""
    module = MODULES.get(example)
    if module is None:
        raise InvalidInput(f'no demo database for "{example}" (choose from {", ".join(MODULES)})')
    if persons < 1:
        raise InvalidInput("persons must be at least 1")
    _make_folder(url)
    engine = create_engine(url)
    try:
        module.metadata.drop_all(engine)
        module.metadata.create_all(engine)
        with engine.begin() as conn:
            builder = Builder(conn, module.metadata, seed=seed, record=record, progress=progress)
            module.populate(builder, persons)
            builder.flush()
        truth = builder.truth(example, seed)
    finally:
        engine.dispose()
    if truth_path is not None:
        truth_path.parent.mkdir(parents=True, exist_ok=True)
        truth_path.write_text(json.dumps(truth, indent=1, default=str), encoding="utf-8")
    return truth


def _make_folder(url: str) -> None:
    """A SQLite file is written where asked: its folder is created first (SQLite itself
    would only say "unable to open database file")."""
    made = make_url(url)
    if made.get_backend_name() == "sqlite" and made.database not in (None, "", ":memory:"):
        Path(made.database).parent.mkdir(parents=True, exist_ok=True)
