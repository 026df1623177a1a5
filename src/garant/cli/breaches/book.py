"""The register book: recording a breach, listing and showing them."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from garant.cli.breaches.shared import (
    Cats,
    PersonCats,
    Persons,
    Records,
    Ref,
    Systems,
    breach_app,
    print_breach,
    validation,
    when,
)
from garant.cli.common import (
    ActorOpt,
    AsOfOpt,
    JsonOpt,
    WorkspaceOpt,
    cli_actor,
    console,
    open_garant,
    print_json,
)


@breach_app.command("record")
def record(
    title: Annotated[str, typer.Option(help="A short name for the breach.")],
    nature: Annotated[list[str], typer.Option(help="confidentiality, integrity, availability.")],
    aware_at: Annotated[
        str | None, typer.Option(help="When the controller became aware (default: now).")
    ] = None,
    occurred_at: Annotated[str | None, typer.Option(help="When it happened.")] = None,
    processor_aware_at: Annotated[
        str | None, typer.Option(help="When a processor learned of it (Art. 33(2)).")
    ] = None,
    reported_by: Annotated[str, typer.Option(help="Who reported it.")] = "",
    description: Annotated[str, typer.Option(help="What happened.")] = "",
    system: Systems = None,
    person_category: PersonCats = None,
    persons: Persons = None,
    category: Cats = None,
    records: Records = None,
    consequences: Annotated[str, typer.Option(help="Likely consequences.")] = "",
    measures: Annotated[str, typer.Option(help="Measures taken or proposed.")] = "",
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
    json_out: JsonOpt = False,
) -> None:
    """Enter a breach in the register (AF-B1); the 72-hour clock starts at --aware-at."""
    from pydantic import ValidationError

    from garant.breaches.schemas import BreachCreate
    from garant.breaches.service import record_breach

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        try:
            data = BreachCreate(
                title=title,
                nature=nature,
                aware_at=when(garant, aware_at) or uow.now(),
                occurred_at=when(garant, occurred_at),
                processor_aware_at=when(garant, processor_aware_at),
                reported_by=reported_by,
                description=description,
                systems=system or [],
                person_categories=person_category or [],
                persons_approx=persons,
                data_categories=category or [],
                records_approx=records,
                likely_consequences=consequences,
                measures_taken=measures,
            )
        except ValidationError as exc:
            raise validation(exc) from None
        breach = record_breach(uow=uow, data=data)
        reference = breach.reference
    print_breach(garant, reference, json_out)


@breach_app.command("list")
def list_(
    workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None, json_out: JsonOpt = False
) -> None:
    """Every breach of the register with its clock (late ones first)."""
    from garant.breaches.export import register_rows

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work() as uow:
        rows = register_rows(uow)
    if json_out:
        print_json(rows)
        return
    table = Table("reference", "title", "aware at", "risk", "due at", "clock")
    for row in sorted(rows, key=lambda r: r["due_at"]):
        table.add_row(
            row["reference"],
            row["title"],
            row["aware_at"],
            str(row["risk"] or "?"),
            row["due_at"],
            row["clock"],
        )
    console.print(table)


@breach_app.command("show")
def show(
    ref: Ref, workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None, json_out: JsonOpt = False
) -> None:
    """One breach: the register's fields, its clock and its timeline."""
    print_breach(open_garant(workspace, as_of), ref, json_out)
