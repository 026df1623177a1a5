"""Commands of the accountability feature."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this feature's commands and groups to the main app."""
