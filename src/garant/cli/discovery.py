"""Commands that discover personal data in live databases: datamap infer and check."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the discovery commands (they join the `datamap` group through datamap.py)."""
