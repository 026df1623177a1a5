"""Processors (Art. 28), their audits and alerts, transfers and adequacy."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer

from garant.cli.accountability.shared import Multi, as_date, show_table, validated
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
from garant.errors import InvalidInput

processor_app = typer.Typer(help="Processors (Art. 28) and transfers.", no_args_is_help=True)


@processor_app.command("add")
def processor_add(
    name: str,
    service: Annotated[str, typer.Option()] = "",
    activity: Multi = None,
    country: Multi = None,
    mechanism: Annotated[str | None, typer.Option(help="adequacy, scc, bcr, derogation")] = None,
    scc_module: Annotated[str | None, typer.Option(help="SCC module 1 to 4")] = None,
    dpf: Annotated[bool, typer.Option("--dpf", help="Certified under the EU-US DPF")] = False,
    derogation: Annotated[str | None, typer.Option(help="The Art. 49 ground")] = None,
    tia: Annotated[str | None, typer.Option(help="Transfer impact assessment date")] = None,
    contract_signed: Annotated[str | None, typer.Option()] = None,
    contract_expires: Annotated[str | None, typer.Option()] = None,
    clause: Annotated[list[str] | None, typer.Option(help="An Art. 28(3) clause present")] = None,
    breach_hours: Annotated[int | None, typer.Option(help="Breach notice delay (hours)")] = None,
    next_audit: Annotated[str | None, typer.Option()] = None,
    parent: Annotated[str | None, typer.Option(help="The processor this one works for")] = None,
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
) -> None:
    """Add a processor or a sub-processor to the register."""
    from garant.processors.schemas import ProcessorCreate
    from garant.processors.service import create_processor

    data = validated(
        ProcessorCreate,
        name=name, service=service, activities=activity or [], countries=country or [],
        mechanism=mechanism, scc_module=scc_module, dpf_certified=dpf, derogation=derogation,
        tia_date=as_date(tia, "--tia"),
        contract_signed=as_date(contract_signed, "--contract-signed"),
        contract_expires=as_date(contract_expires, "--contract-expires"),
        clauses={c: True for c in clause or []}, breach_notice_hours=breach_hours,
        next_audit=as_date(next_audit, "--next-audit"), parent=parent,
    )  # fmt: skip
    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            processor = create_processor(uow=uow, data=data)
            console.print(f"[green]Processor added[/green]: {processor.name} (#{processor.id})")


@processor_app.command("edit")
def processor_edit(
    name: str,
    new_name: Annotated[str | None, typer.Option("--name", help="A new name")] = None,
    service: Annotated[str | None, typer.Option()] = None,
    activity: Annotated[list[str] | None, typer.Option(help="Replaces the activities")] = None,
    country: Annotated[list[str] | None, typer.Option(help="Replaces the countries")] = None,
    mechanism: Annotated[str | None, typer.Option(help="adequacy, scc, bcr, derogation")] = None,
    scc_module: Annotated[str | None, typer.Option(help="SCC module 1 to 4")] = None,
    dpf: Annotated[bool | None, typer.Option("--dpf/--no-dpf", help="EU-US DPF")] = None,
    derogation: Annotated[str | None, typer.Option(help="The Art. 49 ground")] = None,
    tia: Annotated[str | None, typer.Option(help="Transfer impact assessment date")] = None,
    contract_signed: Annotated[str | None, typer.Option()] = None,
    contract_expires: Annotated[str | None, typer.Option()] = None,
    clause: Annotated[list[str] | None, typer.Option(help="Replaces the clauses present")] = None,
    breach_hours: Annotated[int | None, typer.Option(help="Breach notice delay (hours)")] = None,
    next_audit: Annotated[str | None, typer.Option()] = None,
    notes: Annotated[str | None, typer.Option()] = None,
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
) -> None:
    """Correct an entry of the register; options not given stay as they are."""
    from garant.processors.changes import update_processor
    from garant.processors.schemas import ProcessorUpdate

    given = {
        "name": new_name, "service": service, "activities": activity, "countries": country,
        "mechanism": mechanism, "scc_module": scc_module, "dpf_certified": dpf,
        "derogation": derogation, "tia_date": as_date(tia, "--tia"),
        "contract_signed": as_date(contract_signed, "--contract-signed"),
        "contract_expires": as_date(contract_expires, "--contract-expires"),
        "clauses": None if clause is None else {c: True for c in clause},
        "breach_notice_hours": breach_hours, "next_audit": as_date(next_audit, "--next-audit"),
        "notes": notes,
    }  # fmt: skip
    changes = {key: value for key, value in given.items() if value is not None}
    if not changes:
        raise InvalidInput("nothing to change: give at least one option (see --help)")
    data = validated(ProcessorUpdate, **changes)
    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            processor = update_processor(uow=uow, name=name, data=data)
            console.print(f"[green]Processor updated[/green]: {processor.name}")


@processor_app.command("end")
def processor_end(
    name: str,
    on: Annotated[str, typer.Option("--on", help="The day the engagement ended (YYYY-MM-DD)")],
    reason: Annotated[str, typer.Option(help="Why, in a few words")] = "",
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Record the end of an engagement; the entry stays in the register as evidence."""
    from garant.processors.changes import end_processor
    from garant.processors.schemas import ProcessorEnd

    data = validated(ProcessorEnd, ended_on=as_date(on, "--on"), reason=reason)
    with closing(open_garant(workspace, as_of)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            processor = end_processor(uow=uow, name=name, data=data)
            console.print(f"[green]Processor ended[/green]: {processor.name} on {on}")


@processor_app.command("reopen")
def processor_reopen(name: str, workspace: WorkspaceOpt = Path("."), actor: ActorOpt = "") -> None:
    """Undo an end recorded by mistake (the audit trail keeps both steps)."""
    from garant.processors.changes import reopen_processor

    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            processor = reopen_processor(uow=uow, name=name)
            console.print(f"[green]Processor reopened[/green]: {processor.name}")


@processor_app.command("import")
def processor_import(file: Path, workspace: WorkspaceOpt = Path("."), actor: ActorOpt = "") -> None:
    """Add the processors listed in a YAML file (a list of processor fields)."""
    from garant.processors.service import import_processors

    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            added = import_processors(uow=uow, path=file)
        console.print(f"[green]{len(added)} processor(s) added[/green] from {file}")


@processor_app.command("sync")
def processor_sync(workspace: WorkspaceOpt = Path("."), actor: ActorOpt = "") -> None:
    """Bring the processors declared in policy.yaml into the register."""
    from garant.processors.service import sync_from_policy

    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            synced = sync_from_policy(uow=uow)
        console.print(f"[green]{len(synced)} processor(s) synced[/green] from the policy")


@processor_app.command("list")
def processor_list(
    workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None, json_out: JsonOpt = False
) -> None:
    """The register of processors with their transfers and contracts."""
    from garant.processors.service import describe, list_processors

    with closing(open_garant(workspace, as_of)) as garant:
        with garant.unit_of_work() as uow:
            items = [describe(uow=uow, processor=p) for p in list_processors(uow=uow)]
        if json_out:
            print_json(items)
            return
        rows = [
            [p["name"], p["service"], ",".join(p["countries"]), p["mechanism"],
             p["contract_signed"], p["next_audit"], len(p["alerts"])]
            for p in items
        ]  # fmt: skip
        cols = ["Name", "Service", "Countries", "Mechanism", "Contract", "Next audit", "Alerts"]
        show_table("Processors", cols, rows)


@processor_app.command("audit")
def processor_audit(
    name: str,
    on: Annotated[str, typer.Option("--on", help="Date of the audit")],
    auditor: Annotated[str, typer.Option()],
    outcome: Annotated[str, typer.Option(help="satisfactory, findings, unsatisfactory")],
    next_audit: Annotated[str | None, typer.Option()] = None,
    notes: Annotated[str | None, typer.Option()] = None,
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
) -> None:
    """Record an audit of a processor (Art. 28(3)(h)) and when the next is due."""
    from garant.processors.schemas import AuditCreate
    from garant.processors.service import record_audit

    data = validated(
        AuditCreate, audited_on=as_date(on, "--on"), auditor=auditor, outcome=outcome,
        notes=notes, next_audit=as_date(next_audit, "--next-audit"),
    )  # fmt: skip
    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            record_audit(uow=uow, name=name, data=data)
        console.print(f"[green]Audit recorded[/green] for {name}")


@processor_app.command("alerts")
def processor_alerts(
    workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None, json_out: JsonOpt = False
) -> None:
    """Contracts missing or expiring, audits overdue, clauses missing, invalid transfers."""
    from garant.processors.service import all_alerts

    with closing(open_garant(workspace, as_of)) as garant:
        with garant.unit_of_work() as uow:
            alerts = all_alerts(uow=uow)
        if json_out:
            print_json(alerts)
            return
        rows = [[a["level"], a["processor"], a["kind"], a["message"]] for a in alerts]
        show_table("Processor alerts", ["Level", "Processor", "Alert", "What"], rows)
        raise typer.Exit(1 if alerts else 0)


@processor_app.command("adequacy")
def processor_adequacy(json_out: JsonOpt = False) -> None:
    """The Commission's adequacy decisions Garant knows, with their dates."""
    from garant.processors.rules import adequacy_decisions

    decisions = list(adequacy_decisions().values())
    if json_out:
        print_json([d.__dict__ for d in decisions])
        return
    rows = [[d.code, d.name, d.decision, d.adopted, d.note or d.scope] for d in decisions]
    show_table("Adequacy decisions", ["Code", "Name", "Decision", "Adopted", "Scope"], rows)
