"""Entry point of the ``garant`` command."""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy.exc import DataError, OperationalError
from typer import _click  # Typer ships its own Click; its Context is the one typed here
from typer.core import TyperGroup

from garant.cli import (
    accountability,
    accounts,
    breaches,
    consent,
    datamap,
    discovery,
    platform,
    policy,
    retention,
    rights,
)
from garant.cli.common import err_console
from garant.errors import GarantError


class GarantGroup(TyperGroup):
    """Turns Garant's own errors into a clear message and an exit code, never a traceback."""

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GarantError as exc:
            err_console.print(
                f"[red]error:[/red] {exc.message}", highlight=False, markup=True, soft_wrap=True
            )
            raise typer.Exit(exc.exit_code) from None
        except OperationalError as exc:
            err_console.print(f"[red]error:[/red] database unreachable or failing: {exc.orig}")
            raise typer.Exit(2) from None
        except (OverflowError, DataError) as exc:
            err_console.print(f"[red]error:[/red] a number or a date is out of range ({_why(exc)})")
            raise typer.Exit(2) from None


def _why(exc: Exception) -> str:
    """The driver's reason without the statement or its parameters (personal values)."""
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).splitlines()[0][:200]


def build_app() -> typer.Typer:
    app = typer.Typer(
        cls=GarantGroup,
        help="Garant: makes a published privacy policy true.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    for module in (
        platform,
        accounts,
        policy,
        datamap,
        discovery,
        consent,
        retention,
        rights,
        breaches,
        accountability,
    ):
        module.register(app)
    return app


def main() -> None:
    build_app()()
