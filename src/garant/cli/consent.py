"""Commands of the consent feature: consent, audience, suppression, cookies."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
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

consent_app = typer.Typer(help="The consent ledger and the use check.", no_args_is_help=True)
audience_app = typer.Typer(help="Filter a campaign's audience.", no_args_is_help=True)
suppression_app = typer.Typer(help="The suppression list (objections).", no_args_is_help=True)
cookies_app = typer.Typer(help="Cookie choices and the banner.", no_args_is_help=True)

KindOpt = Annotated[str, typer.Option("--kind", help="Identity kind: email, phone, customer...")]
PurposeOpt = Annotated[str, typer.Option("--purpose", "-p", help="Consent purpose or activity id.")]


def register(app: typer.Typer) -> None:
    """Add this feature's commands and groups to the main app."""
    app.add_typer(consent_app, name="consent")
    app.add_typer(audience_app, name="audience")
    app.add_typer(suppression_app, name="suppression")
    app.add_typer(cookies_app, name="cookies")


@consent_app.command("check")
def check(
    identity: Annotated[str, typer.Argument(help="The identity, e.g. an email address.")],
    purpose: PurposeOpt,
    kind: KindOpt = "email",
    collected_for: Annotated[
        str | None, typer.Option(help="Purpose of collection (AF-P2).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    actor: ActorOpt = "",
) -> None:
    """May this person's data be used for this purpose now? Exit 0 if yes, 1 if not."""
    from garant.consent.check import may_use

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor)) as uow:
        decision = may_use(
            uow=uow, identity=(kind, identity), purpose=purpose, collected_for=collected_for
        )
    if as_json:
        print_json({"allowed": decision.allowed, "reason": decision.reason, "code": decision.code})
    else:
        colour = "green" if decision.allowed else "red"
        word = "allowed" if decision.allowed else "refused"
        console.print(f"[{colour}]{word}[/{colour}]: {decision.reason}", highlight=False)
    raise typer.Exit(0 if decision.allowed else 1)


@consent_app.command("record")
def record(
    identity: Annotated[str, typer.Argument()],
    purpose: PurposeOpt,
    given: Annotated[bool, typer.Option("--given/--withdrawn", help="Consent or withdrawal.")],
    source: Annotated[str, typer.Option(help="form, banner, email_link, staff, api...")] = "staff",
    basis: Annotated[str | None, typer.Option(help="consent, soft_opt_in, opt_out_b2b")] = None,
    notice_version: Annotated[str | None, typer.Option()] = None,
    kind: KindOpt = "email",
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Append a consent or a withdrawal to the ledger."""
    from garant.consent import service

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor)) as uow:
        event = service.record(
            uow=uow,
            identity=(kind, identity),
            purpose=purpose,
            given=given,
            source=source,
            basis=basis,
            notice_version=notice_version,
        )
        console.print(f"Recorded event {event.id}: {purpose} {'given' if given else 'withdrawn'}")


@consent_app.command("withdraw-all")
def withdraw_all(
    identity: Annotated[str, typer.Argument()],
    kind: KindOpt = "email",
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Withdraw every consent the person gave (AF-D7)."""
    from garant.consent import service

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor)) as uow:
        events = service.withdraw_all(uow=uow, identity=(kind, identity), source="staff")
        console.print(f"Withdrawn: {', '.join(e.purpose for e in events) or 'nothing was given'}")


@consent_app.command("history")
def history(
    identity: Annotated[str, typer.Argument()],
    kind: KindOpt = "email",
    workspace: WorkspaceOpt = Path("."),
    as_json: JsonOpt = False,
    actor: ActorOpt = "",
) -> None:
    """The person's ledger, oldest first (AF-L2)."""
    from garant.consent import service

    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor)) as uow:
        events = service.history(uow=uow, identity=(kind, identity))
        rows = [
            {
                "at": e.at.isoformat(),
                "purpose": e.purpose,
                "given": e.given,
                "basis": e.basis,
                "source": e.source,
                "version": e.purpose_version,
                "text_hash": e.text_hash,
            }
            for e in events
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("at", "purpose", "given", "basis", "source", "version")
    for r in rows:
        cells = [r["at"], r["purpose"], "yes" if r["given"] else "no", r["basis"], r["source"]]
        table.add_row(*(str(c) for c in cells), str(r["version"]))
    console.print(table)


@consent_app.command("purposes")
def purposes(workspace: WorkspaceOpt = Path("."), as_json: JsonOpt = False) -> None:
    """The consent purposes the policy declares."""
    from garant.consent.purposes import catalog

    garant = open_garant(workspace)
    items = [
        {
            "id": p.id,
            "activity": p.activity,
            "version": p.version,
            "basis": p.basis,
            "label": p.label_in("en"),
        }
        for p in catalog(garant).purposes.values()
    ]
    if as_json:
        print_json(items)
        return
    table = Table("id", "activity", "version", "basis", "label")
    for i in items:
        table.add_row(i["id"], str(i["activity"]), i["version"], i["basis"], i["label"])
    console.print(table)


def read_identities(path: Path, column: str | None) -> Iterator[str]:
    """One identity per line, or a CSV column (``--column``); errors say file:line."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    with path.open(encoding="utf-8", newline="") as handle:
        if column is None:
            for line in handle:
                if line.strip():
                    yield line.strip()
            return
        reader = csv.DictReader(handle)
        if column not in (reader.fieldnames or []):
            raise InvalidInput(
                f"{path}:1: no column {column!r} (columns: {', '.join(reader.fieldnames or [])})"
            )
        for row in reader:
            value = row.get(column)
            if value is None:
                raise InvalidInput(f"{path}:{reader.line_num}: the row has no {column!r} value")
            yield value


@audience_app.command("filter")
def audience_filter(
    source: Annotated[Path, typer.Argument(help="A file of identities (one a line, or CSV).")],
    purpose: PurposeOpt,
    column: Annotated[str | None, typer.Option(help="The CSV column holding identities.")] = None,
    kind: KindOpt = "email",
    out: Annotated[
        Path | None, typer.Option(help="Write identity,allowed,code,reason as CSV.")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    actor: ActorOpt = "",
) -> None:
    """Who in the file may be contacted for the purpose, and why not the others."""
    from garant.consent.audience import filter_audience

    garant = open_garant(workspace, as_of)
    identities = list(read_identities(source, column))
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Filtering", total=len(identities))
        with garant.unit_of_work(cli_actor(actor)) as uow:
            result = filter_audience(
                uow=uow,
                purpose=purpose,
                identities=identities,
                kind=kind,
                progress=lambda n: progress.update(task, completed=n),
            )
        progress.update(task, completed=len(identities))
    if out is not None:
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["identity", "allowed", "code", "reason"])
            writer.writerows((v, int(d.allowed), d.code, d.reason) for v, d in result.rows)
    summary = result.summary()
    if as_json:
        print_json(summary)
        return
    console.print(f"{summary['allowed']} of {summary['total']} may be contacted for {purpose}")
    table = Table("reason", "count")
    for code, count in summary["by_reason"].items():
        table.add_row(code, str(count))
    console.print(table)


@suppression_app.command("add")
def suppression_add(
    identity: Annotated[str, typer.Argument()],
    purpose: Annotated[
        str, typer.Option("--purpose", "-p", help="A purpose, or * for all prospecting.")
    ] = "*",
    reason: Annotated[
        str, typer.Option(help="objection, withdrawal, staff, bounce, complaint")
    ] = "objection",
    kind: KindOpt = "email",
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Add an objection (AF-D5: no reason needed); kept three years (AF-R7)."""
    from garant.consent import suppression

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor)) as uow:
        entry = suppression.add(uow=uow, identity=(kind, identity), purpose=purpose, reason=reason)
        console.print(f"Suppressed for {entry.purpose} until {entry.expires_at.date()}")


@suppression_app.command("check")
def suppression_check(
    identity: Annotated[str, typer.Argument()],
    purpose: PurposeOpt,
    kind: KindOpt = "email",
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
) -> None:
    """Whether the person is on the list for the purpose (exit 1 if so)."""
    from garant.consent import suppression

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(None)) as uow:
        found = suppression.is_suppressed(uow=uow, identity=(kind, identity), purpose=purpose)
    console.print("suppressed" if found else "not suppressed")
    raise typer.Exit(1 if found else 0)


@suppression_app.command("purge")
def suppression_purge(workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None) -> None:
    """Delete entries past their three years, and cookie choices past 13 months."""
    from garant.consent import cookies, suppression

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(None)) as uow:
        entries, choices = suppression.purge_expired(uow), cookies.purge_expired(uow)
    console.print(f"Deleted {entries} suppression entries and {choices} cookie choices")


@cookies_app.command("status")
def cookies_status(
    token: Annotated[str, typer.Argument(help="The token in the visitor's garant_cookie_choice.")],
    gpc: Annotated[bool, typer.Option(help="As if the browser sent Sec-GPC: 1.")] = False,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Whether the banner asks again, and what the choice allows until when."""
    from garant.consent import cookies

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(None)) as uow:
        answer = cookies.status(uow, token, gpc=gpc)
    if as_json:
        print_json(answer)
        return
    console.print(f"ask again: {'yes' if answer['ask'] else 'no'} ({answer['reason']})")
    console.print(f"accepted: {', '.join(answer['accepted']) or 'nothing'}")
    if "expires_at" in answer:
        console.print(f"expires: {answer['expires_at']}  ask again from: {answer['ask_again_at']}")


@cookies_app.command("categories")
def cookies_categories(workspace: WorkspaceOpt = Path("."), as_json: JsonOpt = False) -> None:
    """The banner's categories from the policy."""
    from garant.consent import cookies

    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(None)) as uow:
        config = cookies.banner_config(uow, lang="en")
    if as_json:
        print_json(config)
        return
    table = Table("category", "required", "cookies")
    for c in config["categories"]:
        table.add_row(
            c["id"], "yes" if c["required"] else "no", ", ".join(k["name"] for k in c["cookies"])
        )
    console.print(table)
