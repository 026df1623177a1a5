"""Commands of the breaches feature: ``garant breach record|list|show|assess|notify|...``."""

from __future__ import annotations

import typer

from garant.cli.breaches import book, evaluation, notification
from garant.cli.breaches.shared import breach_app

# The modules register their commands on ``breach_app`` when imported.
_COMMANDS = (book, evaluation, notification)


def register(app: typer.Typer) -> None:
    """Add this feature's commands and groups to the main app."""
    app.add_typer(breach_app, name="breach")
