"""Disclosures to authorities and third parties; trainings, agreements, charters."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer

from garant.cli.accountability.shared import as_date, show_table, validated
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

disclosure_app = typer.Typer(help="Disclosures to authorities and third parties.")
record_app = typer.Typer(help="Trainings, agreements, charters, procedures.", no_args_is_help=True)


@disclosure_app.command("log")
def disclosure_log(
    requester: Annotated[str, typer.Option(help="Who asked")],
    basis: Annotated[str, typer.Option(help="injunction, court_order, legal_obligation, ...")],
    data: Annotated[str, typer.Option(help="What data was handed over")],
    approved_by: Annotated[str, typer.Option()],
    identity: Annotated[str | None, typer.Option(help="The person concerned")] = None,
    identity_kind: Annotated[str, typer.Option()] = "email",
    reference: Annotated[str | None, typer.Option(help="The order's reference")] = None,
    secret: Annotated[str | None, typer.Option(help="Law forbidding to tell the person")] = None,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Log data handed to an authority or a third party (DEF-S4)."""
    from garant.accountability.records import is_flagged, log_disclosure
    from garant.accountability.schemas import DisclosureCreate

    payload = validated(
        DisclosureCreate, requester=requester, legal_basis=basis, data_description=data,
        approved_by=approved_by, identity=identity, identity_kind=identity_kind,
        reference=reference, tell_subject=secret is None, secrecy_reason=secret,
    )  # fmt: skip
    with closing(open_garant(workspace, as_of)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            disclosure = log_disclosure(uow=uow, data=payload)
            flagged = is_flagged(disclosure)
            console.print(f"[green]Disclosure logged[/green] (#{disclosure.id})")
        if flagged:
            console.print("[yellow]No law compels this disclosure: it is outside the policy's "
                          "recipients (AF-S1) and is flagged.[/yellow]")  # fmt: skip


@disclosure_app.command("list")
def disclosure_list(workspace: WorkspaceOpt = Path("."), json_out: JsonOpt = False) -> None:
    """The disclosure log."""
    from garant.accountability.records import list_disclosures
    from garant.accountability.schemas import DisclosureRead

    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work() as uow:
            items = [
                DisclosureRead.model_validate(d).model_dump() for d in list_disclosures(uow=uow)
            ]
        if json_out:
            print_json(items)
            return
        rows = [[d["id"], d["disclosed_at"], d["requester"], d["legal_basis"], d["approved_by"]]
                for d in items]  # fmt: skip
        show_table("Disclosures", ["#", "When", "Requester", "Basis", "Approved by"], rows)


@record_app.command("add")
def record_add(
    kind: Annotated[str, typer.Argument(help="training, confidentiality, charter, procedure")],
    title: str,
    dated: Annotated[str, typer.Option()],
    valid_until: Annotated[str | None, typer.Option()] = None,
    holder: Annotated[str | None, typer.Option(help="Who it concerns")] = None,
    document: Annotated[str | None, typer.Option(help="Where the document is kept")] = None,
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
) -> None:
    """Record a training, a confidentiality agreement, a charter or a procedure."""
    from garant.accountability.records import add_record
    from garant.accountability.schemas import RecordCreate

    data = validated(
        RecordCreate, kind=kind, title=title, dated=as_date(dated, "--dated"),
        valid_until=as_date(valid_until, "--valid-until"), holder=holder, document=document,
    )  # fmt: skip
    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            record = add_record(uow=uow, data=data)
            console.print(f"[green]Record added[/green] (#{record.id})")


@record_app.command("list")
def record_list(
    workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None, json_out: JsonOpt = False
) -> None:
    """Every organizational record with its state (current, lapsing, lapsed)."""
    from garant.accountability.records import list_records, record_state
    from garant.accountability.schemas import RecordRead
    from garant.processors.service import today

    with closing(open_garant(workspace, as_of)) as garant:
        with garant.unit_of_work() as uow:
            day = today(uow)
            items = [
                RecordRead.model_validate(r).model_dump() | {"state": record_state(r, day)}
                for r in list_records(uow=uow)
            ]
        if json_out:
            print_json(items)
            return
        rows = [[r["id"], r["kind"], r["title"], r["holder"], r["dated"], r["valid_until"],
                 r["state"]] for r in items]  # fmt: skip
        show_table(
            "Records", ["#", "Kind", "Title", "Holder", "Dated", "Valid until", "State"], rows
        )
