"""Commands of the accountability feature: processors, DPIAs, disclosures, records, the
live check, the dossier and policy-change notices. Thin: each calls the domain."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

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
dpia_app = typer.Typer(help="DPIA screening and assessments.", no_args_is_help=True)
disclosure_app = typer.Typer(help="Disclosures to authorities and third parties.")
record_app = typer.Typer(help="Trainings, agreements, charters, procedures.", no_args_is_help=True)
dossier_app = typer.Typer(help="The accountability dossier for the authority.")
policy_change_app = typer.Typer(help="Telling persons of a new policy version.")

Multi = Annotated[list[str] | None, typer.Option()]


def register(app: typer.Typer) -> None:
    """Add this feature's commands and groups to the main app."""
    app.add_typer(processor_app, name="processor")
    app.add_typer(dpia_app, name="dpia")
    app.add_typer(disclosure_app, name="disclosure", no_args_is_help=True)
    app.add_typer(record_app, name="record")
    app.add_typer(dossier_app, name="dossier", no_args_is_help=True)
    app.add_typer(policy_change_app, name="policy-change", no_args_is_help=True)
    app.command("check")(check)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


# --- processors -------------------------------------------------------------------
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

    data = _validated(
        ProcessorCreate,
        name=name, service=service, activities=activity or [], countries=country or [],
        mechanism=mechanism, scc_module=scc_module, dpf_certified=dpf, derogation=derogation,
        tia_date=_date(tia, "--tia"), contract_signed=_date(contract_signed, "--contract-signed"),
        contract_expires=_date(contract_expires, "--contract-expires"),
        clauses={c: True for c in clause or []}, breach_notice_hours=breach_hours,
        next_audit=_date(next_audit, "--next-audit"), parent=parent,
    )  # fmt: skip
    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            processor = create_processor(uow=uow, data=data)
            console.print(f"[green]Processor added[/green]: {processor.name} (#{processor.id})")


def _validated(model: Any, **values: Any) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "input"
        raise InvalidInput(f"{where}: {first['msg']}") from None


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
        _table("Processors", cols, rows)


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

    data = _validated(
        AuditCreate, audited_on=_date(on, "--on"), auditor=auditor, outcome=outcome,
        notes=notes, next_audit=_date(next_audit, "--next-audit"),
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
        _table("Processor alerts", ["Level", "Processor", "Alert", "What"], rows)
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
    _table("Adequacy decisions", ["Code", "Name", "Decision", "Adopted", "Scope"], rows)


# --- DPIA -------------------------------------------------------------------------
@dpia_app.command("screen")
def dpia_screen(
    title: str,
    activity: Annotated[str | None, typer.Option()] = None,
    criterion: Annotated[list[str] | None, typer.Option(help="An EDPB criterion met")] = None,
    cnil: Annotated[list[str] | None, typer.Option(help="An item of the CNIL list")] = None,
    exception: Annotated[str | None, typer.Option(help="Why no DPIA despite two criteria")] = None,
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
    json_out: JsonOpt = False,
) -> None:
    """Screen a processing against the nine EDPB criteria and the CNIL's list."""
    from garant.dpia.schemas import DpiaCreate
    from garant.dpia.service import describe, screen_processing

    data = _validated(
        DpiaCreate, title=title, activity=activity, criteria=criterion or [],
        cnil_list=cnil or [], exception_reason=exception,
    )  # fmt: skip
    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            result = describe(screen_processing(uow=uow, data=data))
        if json_out:
            print_json(result)
            return
        verdict = (
            "[red]DPIA required[/red]" if result["required"] else "[green]no DPIA required[/green]"
        )
        console.print(f"DPIA #{result['id']} {result['title']}: {verdict}")


@dpia_app.command("criteria")
def dpia_criteria() -> None:
    """The nine EDPB criteria and the CNIL's list, with the ids the options take."""
    from garant.dpia.rules import CNIL_LIST, CRITERIA

    _table("EDPB criteria (WP248)", ["Id", "Criterion"], [[k, v] for k, v in CRITERIA.items()])
    _table("CNIL list (Art. 35(4))", ["Id", "Processing"], [[k, v] for k, v in CNIL_LIST.items()])


@dpia_app.command("import")
def dpia_import(
    file: Path,
    activity: Annotated[str | None, typer.Option()] = None,
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
) -> None:
    """Import an assessment exported by the CNIL PIA tool (JSON)."""
    from garant.dpia.service import import_pia

    if not file.is_file():
        raise InvalidInput(f"{file}: no such file")
    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            dpia = import_pia(uow=uow, text=file.read_text(encoding="utf-8"), source=str(file),
                              activity=activity)  # fmt: skip
            console.print(f"[green]Imported[/green] DPIA #{dpia.id} {dpia.title} ({dpia.status})")


@dpia_app.command("assess")
def dpia_assess(
    dpia_id: int, file: Path, workspace: WorkspaceOpt = Path("."), actor: ActorOpt = ""
) -> None:
    """Write a DPIA's assessment from a YAML or JSON file (context, principles, risks,
    measures, validation, prior_consultation): the CNIL method's sections."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from garant.dpia.schemas import DpiaAssessment
    from garant.dpia.service import assess, describe

    if not file.is_file():
        raise InvalidInput(f"{file}: no such file")
    try:
        raw = YAML(typ="safe").load(file.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise InvalidInput(f"{file}: not YAML or JSON: {exc}") from None
    data = _validated(DpiaAssessment, **(raw or {}))
    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            result = describe(assess(uow=uow, dpia_id=dpia_id, data=data))
    flag = " [red]prior consultation needed (Art. 36)[/red]" if result["prior_consultation"] else ""
    console.print(f"DPIA #{dpia_id}: {result['status']}{flag}")


@dpia_app.command("export")
def dpia_export(
    dpia_id: int, out: Annotated[Path, typer.Option()], workspace: WorkspaceOpt = Path(".")
) -> None:
    """Write a DPIA in the CNIL PIA tool's JSON format."""
    import json

    from garant.dpia.pia import export_pia
    from garant.dpia.service import get_dpia

    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work() as uow:
            document = export_pia(get_dpia(uow=uow, dpia_id=dpia_id))
        out.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
        console.print(f"[green]Exported[/green] DPIA #{dpia_id} to {out}")


@dpia_app.command("list")
def dpia_list(workspace: WorkspaceOpt = Path("."), json_out: JsonOpt = False) -> None:
    """Every screening and assessment, with the Art. 36 flag."""
    from garant.dpia.service import describe, list_dpias

    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work() as uow:
            items = [describe(d) for d in list_dpias(uow=uow)]
        if json_out:
            print_json(items)
            return
        rows = [[d["id"], d["title"], d["activity"], d["required"], d["status"],
                 d["prior_consultation"]] for d in items]  # fmt: skip
        _table("DPIAs", ["#", "Title", "Activity", "Required", "Status", "Art. 36"], rows)


# --- disclosures and records --------------------------------------------------------
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

    payload = _validated(
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
        _table("Disclosures", ["#", "When", "Requester", "Basis", "Approved by"], rows)


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

    data = _validated(
        RecordCreate, kind=kind, title=title, dated=_date(dated, "--dated"),
        valid_until=_date(valid_until, "--valid-until"), holder=holder, document=document,
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
        _table("Records", ["#", "Kind", "Title", "Holder", "Dated", "Valid until", "State"], rows)


# --- live check, dossier, policy change ---------------------------------------------
def check(
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
    store: Annotated[bool, typer.Option("--store/--no-store", help="Keep for the trend")] = True,
) -> None:
    """Compare the promises with the real data; every gap with its evidence."""
    from garant.accountability.check_runner import run_and_store, run_checks

    with closing(open_garant(workspace, as_of)) as garant:
        if store:
            report = run_and_store(garant, cli_actor(None)).as_dict()
        else:
            with garant.unit_of_work(read_only=True) as uow:
                report = run_checks(uow=uow, store=False).as_dict()
        if json_out:
            print_json(report)
        else:
            _table("Checks", ["Check", "Result"], [[k, v] for k, v in report["status"].items()])
            rows = [[f["level"], f["check"], f["message"]] for f in report["findings"]]
            _table(f"{report['total']} finding(s)", ["Level", "Check", "Finding"], rows)
        raise typer.Exit(1 if report["total"] else 0)


@dossier_app.command("export")
def dossier_export(
    out: Annotated[Path, typer.Option(help="FILE.pdf or FILE.html")],
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Write the accountability dossier for an inspector (PDF or HTML)."""
    from garant.accountability.dossier import export_dossier

    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        raise InvalidInput(f"{out}: the dossier is written as .pdf or .html")
    with closing(open_garant(workspace, as_of)) as garant:
        with console.status("Building the dossier..."):
            export_dossier(garant, out, actor=cli_actor(actor or None))
        console.print(f"[green]Dossier written[/green] to {out}")


@policy_change_app.command("notify")
def policy_change_notify(
    version: str,
    activity: Annotated[list[str] | None, typer.Option(help="Only persons of activity")] = None,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Tell the persons concerned of a new policy version by email (DEF-V1)."""
    from rich.progress import Progress

    from garant.accountability.policy_change import notify_version

    with closing(open_garant(workspace, as_of)) as garant:
        with Progress(console=console) as progress:
            task = progress.add_task("Queuing notices", total=None)
            told = notify_version(
                garant, version, activities=activity, actor=cli_actor(actor or None),
                progress=lambda n: progress.update(task, completed=n),
            )  # fmt: skip
        console.print(f"[green]{told} person(s) told[/green] of policy version {version}")


@policy_change_app.command("list")
def policy_change_list(
    version: str, workspace: WorkspaceOpt = Path("."), json_out: JsonOpt = False
) -> None:
    """Who was told of a version and when (keyed hashes, no addresses)."""
    from garant.accountability.policy_change import notices

    with closing(open_garant(workspace)) as garant:
        with garant.unit_of_work() as uow:
            items = notices(uow=uow, version=version)
        if json_out:
            print_json(items)
            return
        _table(f"Told of {version}", ["Person (keyed hash)", "When", "Message"],
               [[n["subject_ref"], n["told_at"], n["outbox_id"]] for n in items])  # fmt: skip
