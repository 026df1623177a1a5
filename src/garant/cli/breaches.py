"""Commands of the breaches feature: ``garant breach record|list|show|assess|notify|...``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.table import Table

from garant.app import Garant
from garant.breaches.schemas import Exemption, Risk
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


def register(app: typer.Typer) -> None:
    """Add this feature's commands and groups to the main app."""
    app.add_typer(breach_app, name="breach")


def _when(garant: Garant, text: str | None) -> datetime | None:
    from garant.clock import parse_as_of

    return None if text is None else parse_as_of(text, garant.timezone)


def _validation(exc: Exception) -> InvalidInput:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        return InvalidInput(f"{where}: {err['msg']}")
    return InvalidInput(str(exc))


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
                aware_at=_when(garant, aware_at) or uow.now(),
                occurred_at=_when(garant, occurred_at),
                processor_aware_at=_when(garant, processor_aware_at),
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
            raise _validation(exc) from None
        breach = record_breach(uow=uow, data=data)
        reference = breach.reference
    _print_breach(garant, reference, json_out)


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


def _print_breach(garant: Garant, ref: str, json_out: bool) -> None:
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


@breach_app.command("show")
def show(
    ref: Ref, workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None, json_out: JsonOpt = False
) -> None:
    """One breach: the register's fields, its clock and its timeline."""
    _print_breach(open_garant(workspace, as_of), ref, json_out)


@breach_app.command("assess")
def assess_cmd(
    file: Annotated[Path, typer.Argument(help="A JSON (or YAML) file of facts.")],
    breach: Annotated[str | None, typer.Option(help="Keep the result on this breach.")] = None,
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
    json_out: JsonOpt = False,
) -> None:
    """Assess the risk from facts: none, risk or high; whom to tell; the reasons."""
    from garant.breaches.adjustments import assess
    from garant.breaches.schemas import Facts
    from garant.breaches.service import assess_breach
    from garant.sourcefile import load_document, validate_document

    facts = validate_document(load_document(file, display_name=str(file)), Facts)
    if breach is None:
        result = assess(facts)
    else:
        garant = open_garant(workspace)
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            result = assess_breach(uow=uow, ref=breach, facts=facts)
    if json_out:
        print_json(result.model_dump())
        return
    console.print(
        f"[bold]risk[/bold]: {result.risk}  (ENISA severity {result.severity:g}, "
        f"{result.severity_level})"
    )
    console.print(f"notify the authority: {'yes' if result.notify_authority else 'no'}")
    console.print(f"inform the persons: {'yes' if result.inform_persons else 'no'}")
    for reason in result.reasons:
        console.print(f"  - {reason}", highlight=False)


@breach_app.command("override")
def override_cmd(
    ref: Ref,
    risk: Annotated[str, typer.Option(help="none, risk or high.")],
    reason: Annotated[str, typer.Option(help="Why the DPO decides otherwise.")],
    notify: Annotated[bool | None, typer.Option("--notify/--no-notify")] = None,
    inform: Annotated[bool | None, typer.Option("--inform/--no-inform")] = None,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Replace the assessment's outcome with the DPO's, with the reason recorded."""
    from garant.breaches.service import override

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        breach = override(
            uow=uow,
            ref=ref,
            risk=cast(Risk, risk),
            reason=reason,
            notify_authority=notify,
            inform_persons=inform,
        )
        console.print(f"[green]{breach.reference}[/green]: risk {breach.risk} (override recorded)")


@breach_app.command("notify")
def notify_cmd(
    ref: Ref,
    phase: Annotated[str, typer.Option(help="initial or follow-up.")] = "initial",
    lang: Lang = "fr",
    pdf: Annotated[Path | None, typer.Option(help="Also write the draft as PDF here.")] = None,
    record_it: Annotated[
        bool, typer.Option("--record", help="Record that the authority was notified now.")
    ] = False,
    delay_reasons: Annotated[str, typer.Option(help="Why after 72 hours.")] = "",
    authority_reference: Annotated[str, typer.Option(help="The authority's number.")] = "",
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Print the notification draft (Art. 33(3), the CNIL form's items); --record it."""
    from garant.breaches.notification import as_pdf, as_text, draft, record_notification

    step = phase.replace("-", "_")
    if step not in ("initial", "follow_up"):
        raise InvalidInput(f'--phase: "{phase}" is not initial or follow-up')
    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        common: dict[str, Any] = {"ref": ref, "phase": step, "lang": lang}
        content = draft(uow=uow, delay_reasons=delay_reasons, **common)
        if record_it:
            record_notification(
                uow=uow,
                delay_reasons=delay_reasons,
                authority_reference=authority_reference,
                **common,
            )
    typer.echo(as_text(content))
    if pdf is not None:
        pdf.write_bytes(as_pdf(content))
        console.print(f"[green]PDF written[/green]: {pdf}")
    if record_it:
        console.print(f"[green]Notification recorded[/green] ({step})")


@breach_app.command("communicate")
def communicate_cmd(
    ref: Ref,
    identities: Annotated[
        Path | None,
        typer.Option(help="A file of email addresses, one a line (default: the data map)."),
    ] = None,
    lang: Annotated[str | None, typer.Option(help="fr or en (default: the policy's).")] = None,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Tell the affected persons by email (Art. 34); the worker sends the queued mail."""
    from garant.breaches.communication import communicate

    given = None
    if identities is not None:
        if not identities.is_file():
            raise InvalidInput(f"{identities}: no such file")
        lines = identities.read_text(encoding="utf-8").splitlines()
        given = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    from rich.progress import Progress

    garant = open_garant(workspace, as_of)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("Queuing messages", total=None)

        def shown(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            row = communicate(uow=uow, ref=ref, identities=given, lang=lang, progress=shown)
            count = row.recipients
    console.print(f"[green]{count} message(s) queued[/green]; `garant worker --once` sends them")


@breach_app.command("exempt")
def exempt_cmd(
    ref: Ref,
    exemption: Annotated[
        str, typer.Option(help="unintelligible, risk_no_longer_likely, disproportionate_effort.")
    ],
    reason: Annotated[str, typer.Option(help="The justification.")],
    public: Annotated[str, typer.Option(help="The public communication made instead.")] = "",
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Record why the persons are not told directly (Art. 34(3))."""
    from garant.breaches.communication import exempt

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        exempt(
            uow=uow,
            ref=ref,
            exemption=cast(Exemption, exemption),
            reason=reason,
            public_communication=public,
        )
    console.print("[green]Exemption recorded[/green]")


@breach_app.command("note")
def note_cmd(
    ref: Ref,
    text: str,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Add a step to the breach's timeline in your own words."""
    from garant.breaches.service import add_note

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        add_note(uow=uow, ref=ref, text=text)
    console.print("[green]Noted[/green]")


@breach_app.command("export")
def export_cmd(
    format_: Annotated[str, typer.Option("--format", help="csv, json or pdf.")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")] = None,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
) -> None:
    """The whole register of breaches (Art. 33(5))."""
    from garant.breaches import export

    if format_ not in ("csv", "json", "pdf"):
        raise InvalidInput(f'--format: "{format_}" is not csv, json or pdf')
    if format_ == "pdf" and output is None:
        raise InvalidInput("--format pdf needs --output FILE")
    garant = open_garant(workspace, as_of)
    with garant.unit_of_work() as uow:
        rows = export.register_rows(uow)
        uow.audit("breach.export", "breach", None, details={"format": format_, "count": len(rows)})
    if format_ == "pdf":
        assert output is not None
        output.write_bytes(export.to_pdf(rows, garant.policy.controller.name))
    else:
        text = export.to_csv(rows) if format_ == "csv" else export.to_json(rows)
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
    if output is not None:
        console.print(f"[green]{len(rows)} breach(es) written[/green] to {output}")


@breach_app.command("update")
def update_cmd(
    ref: Ref,
    description: Annotated[str | None, typer.Option(help="What happened.")] = None,
    person_category: PersonCats = None,
    persons: Persons = None,
    category: Cats = None,
    records: Records = None,
    consequences: Annotated[str | None, typer.Option(help="Likely consequences.")] = None,
    measures: Annotated[str | None, typer.Option(help="Measures taken or proposed.")] = None,
    no_notification_reason: Annotated[
        str | None, typer.Option(help="Why the authority is not notified.")
    ] = None,
    no_communication_reason: Annotated[
        str | None, typer.Option(help="Why the persons are not informed.")
    ] = None,
    system: Systems = None,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Complete the register's fields as the investigation learns more (AF-B1)."""
    from pydantic import ValidationError

    from garant.breaches.schemas import BreachUpdate
    from garant.breaches.service import update_breach

    try:
        data = BreachUpdate(
            description=description,
            person_categories=person_category,
            persons_approx=persons,
            data_categories=category,
            records_approx=records,
            likely_consequences=consequences,
            measures_taken=measures,
            no_notification_reason=no_notification_reason,
            no_communication_reason=no_communication_reason,
            systems=system,
        )
    except ValidationError as exc:
        raise _validation(exc) from None
    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        breach = update_breach(uow=uow, ref=ref, data=data)
        console.print(f"[green]{breach.reference} updated[/green]")
