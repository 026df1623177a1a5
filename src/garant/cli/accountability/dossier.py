"""The live check of promises against the data, the dossier, policy-change notices."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer

from garant.cli.accountability.shared import show_table
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

dossier_app = typer.Typer(help="The accountability dossier for the authority.")
policy_change_app = typer.Typer(help="Telling persons of a new policy version.")


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
            show_table("Checks", ["Check", "Result"], [[k, v] for k, v in report["status"].items()])
            rows = [[f["level"], f["check"], f["message"]] for f in report["findings"]]
            show_table(f"{report['total']} finding(s)", ["Level", "Check", "Finding"], rows)
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
    yes: Annotated[
        bool, typer.Option("--yes", help="Send without showing the preview and asking.")
    ] = False,
) -> None:
    """Tell the persons concerned of a new policy version by email (DEF-V1): shows how
    many persons and the message in each language, then asks before sending."""
    from rich.progress import Progress

    from garant.accountability.notice_preview import preview_notices
    from garant.accountability.policy_change import notify_version

    with closing(open_garant(workspace, as_of)) as garant:
        if not yes:
            shown = preview_notices(
                garant, version, activities=activity, actor=cli_actor(actor or None)
            )
            for lang, subject, text in shown.messages:
                console.rule(f"{lang}: {subject}")
                console.print(text, markup=False, highlight=False)
            console.print(
                f"{shown.recipients} person(s) will receive it "
                f"({shown.already_told} already told of version {version})."
            )
            if not shown.recipients or not typer.confirm("Send it now?", default=False):
                console.print("Nothing sent.")
                return
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
        show_table(f"Told of {version}", ["Person (keyed hash)", "When", "Message"],
               [[n["subject_ref"], n["told_at"], n["outbox_id"]] for n in items])  # fmt: skip
