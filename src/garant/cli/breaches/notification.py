"""Notifying the authority, telling the persons or recording why not, notes, updates and exports."""

from pathlib import Path
from typing import Annotated, Any, cast

import typer

from garant.breaches.schemas import Exemption
from garant.cli.breaches.shared import (
    Cats,
    Lang,
    PersonCats,
    Persons,
    Records,
    Ref,
    Systems,
    breach_app,
    validation,
)
from garant.cli.common import (
    ActorOpt,
    AsOfOpt,
    WorkspaceOpt,
    cli_actor,
    console,
    open_garant,
)
from garant.errors import InvalidInput


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
    yes: Annotated[
        bool, typer.Option("--yes", help="Send without showing the preview and asking.")
    ] = False,
) -> None:
    """Tell the affected persons by email (Art. 34): shows how many persons and the message
    in each language, then asks; the worker sends the queued mail."""
    from garant.breaches.communication import communicate

    given = None
    if identities is not None:
        if not identities.is_file():
            raise InvalidInput(f"{identities}: no such file")
        lines = identities.read_text(encoding="utf-8").splitlines()
        given = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    from rich.progress import Progress

    garant = open_garant(workspace, as_of)
    if not yes and not _confirmed(garant, ref, given, actor):
        console.print("Nothing sent.")
        return
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("Queuing messages", total=None)

        def shown(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            row = communicate(uow=uow, ref=ref, identities=given, lang=lang, progress=shown)
            count = row.recipients
    console.print(f"[green]{count} message(s) queued[/green]; `garant worker --once` sends them")


def _confirmed(garant: Any, ref: str, given: list[str] | None, actor: str) -> bool:
    """The preview (recipients, the assessment's advice, the message in each language),
    then the question."""
    from garant.breaches.preview import preview_communication

    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        shown = preview_communication(uow=uow, ref=ref, identities=given)
    for message in shown.messages:
        console.rule(f"{message.lang}: {message.subject}")
        console.print(message.text, markup=False, highlight=False)
    if shown.advised is False:
        console.print("[yellow]The risk assessment concluded the persons need not be told.[/]")
    console.print(
        f"{shown.recipients} person(s) will receive it ({shown.already_told} told before)."
    )
    return bool(shown.recipients) and typer.confirm("Send it now?", default=False)


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
        output.write_bytes(export.to_pdf(rows, garant.policy.controller.name, garant.timezone))
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
        raise validation(exc) from None
    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        breach = update_breach(uow=uow, ref=ref, data=data)
        console.print(f"[green]{breach.reference} updated[/green]")
