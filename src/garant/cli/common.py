"""What every command shares: options, opening the workspace, output, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer._click.globals import get_current_context

from garant.app import Garant
from garant.store.uow import Actor

console = Console()
err_console = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path,
    typer.Option("--workspace", "-w", help="The workspace directory.", envvar="GARANT_WORKSPACE"),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate as on this ISO date or date-time, in the policy's time zone.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
ActorOpt = Annotated[
    str,
    typer.Option("--actor", help="Who is acting, for the audit log.", envvar="GARANT_ACTOR"),
]


def open_garant(workspace: Path, as_of: str | None = None, *, migrate: bool = True) -> Garant:
    """The workspace's Garant, closed (its store's connections returned) when the command
    ends, whether or not the command closes it itself."""
    garant = Garant.open(workspace, as_of=as_of, migrate=migrate)
    # Typer runs commands under its own copy of Click: ask that one for the context
    context = get_current_context(silent=True)
    if context is not None:
        context.call_on_close(garant.close)
    return garant


def cli_actor(email: str | None) -> Actor:
    """The CLI acts as the operator who runs it; roles bind web and API users."""
    import getpass

    return Actor("cli", email or getpass.getuser(), "dpo")


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, default=str, ensure_ascii=False))
