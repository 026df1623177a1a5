"""What the breach commands share: the command group, option types, parsing."""

from datetime import datetime
from typing import Annotated

import typer

from garant.app import Garant
from garant.cli.common import (
    console,
    print_json,
)
from garant.errors import InvalidInput, first_error

breach_app = typer.Typer(
    help="Personal data breaches: register, assessment, 72-hour clock, notification, "
    "communication to persons.",
    no_args_is_help=True,
)

Ref = Annotated[str, typer.Argument(help="The breach's reference (B-2026-0001) or number.")]
Lang = Annotated[str, typer.Option("--lang", help="fr or en.")]
Systems = Annotated[list[str] | None, typer.Option("--system", help="crm or crm.contacts.")]
PersonCats = Annotated[list[str] | None, typer.Option("--person-category", help="members...")]
Persons = Annotated[int | None, typer.Option("--persons", help="Approximate number.")]
Cats = Annotated[list[str] | None, typer.Option("--category", help="A data category id.")]
Records = Annotated[int | None, typer.Option("--records", help="Approximate number.")]


def when(garant: Garant, text: str | None) -> datetime | None:
    from garant.clock import parse_as_of

    return None if text is None else parse_as_of(text, garant.timezone)


def validation(exc: Exception) -> InvalidInput:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        where, what = first_error(exc)
        return InvalidInput(f"{where}: {what}")
    return InvalidInput(str(exc))


def print_breach(garant: Garant, ref: str, json_out: bool) -> None:
    from garant.breaches.export import row_of
    from garant.breaches.service import clock_of, get_breach, timeline

    with garant.unit_of_work() as uow:
        breach = get_breach(uow=uow, ref=ref)
        row = row_of(uow, breach) | {"left": clock_of(uow=uow, breach=breach).left_text()}
        row["timeline"] = timeline(uow=uow, breach=breach)
    if json_out:
        print_json(row)
        return
    for key, value in row.items():
        if key != "timeline":
            console.print(f"[bold]{key}[/bold]: {value}", highlight=False)
    console.print("[bold]timeline[/bold]:")
    for step in row["timeline"]:
        console.print(
            f"  {step['at']}  {step['actor']}  {step['kind']}  {step['text']}", highlight=False
        )
