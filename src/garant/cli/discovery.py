"""Commands that discover personal data in live databases: datamap infer and check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from garant.cli.common import (
    ActorOpt,
    JsonOpt,
    WorkspaceOpt,
    cli_actor,
    console,
    err_console,
    open_garant,
    print_json,
)
from garant.cli.datamap import datamap_app


@datamap_app.command("infer")
def infer(
    system: Annotated[str, typer.Option("--system", help="The system's id in the map.")],
    url: Annotated[str, typer.Option("--url", help="SQLAlchemy URL of the live database.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the draft here (default: print it).")
    ] = None,
    person: Annotated[
        list[str] | None,
        typer.Option("--person", help="The table of the persons served (repeatable)."),
    ] = None,
    sample: Annotated[int, typer.Option("--sample", help="Rows sampled per table.")] = 200,
    db_schema: Annotated[
        str | None, typer.Option("--schema", help="Database schema (default: the URL's).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
    json_out: JsonOpt = False,
) -> None:
    """Draft a datamap.yaml from a live database: categories, identities, references,
    each proposal with its evidence, for a person to confirm."""
    from garant.datamap import discovery
    from garant.datamap.draft_writer import draft_dict

    garant = open_garant(workspace)
    policy = garant.policy
    with _progress_bar() as progress, garant.unit_of_work(cli_actor(actor or None)) as uow:
        result = discovery.infer(
            uow=uow,
            system=system,
            url=url,
            sample_size=sample,
            persons=person or None,
            schema=db_schema,
            region=policy.country or "FR",
            special_declared=policy.processes_special_categories,
            progress=progress,
        )
    if json_out:
        print_json(draft_dict(result.draft))
    elif out is None:
        typer.echo(result.text, nl=False)
    else:
        discovery.write_new_file(out, result.text, force=force)
    _summary(result, out)


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A bar on standard error (the draft may be on standard output)."""
    with Progress(
        TextColumn("sampling {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("tables", total=None)

        def progress(name: str, done: int, total: int) -> None:
            bar.update(task, description=name or "done", completed=done, total=total)

        yield progress


def _summary(result: Any, out: Path | None) -> None:
    draft = result.draft
    roles = draft.roles
    context = [c.info.name for c in draft.collections if c.role == "context"]
    err_console.print(
        f"person table: {', '.join(roles.primary) or 'none found (give --person TABLE)'}; "
        f"owned: {', '.join(roles.owned) or 'none'}; "
        f"context: {', '.join(context) or 'none'}; "
        f"not mapped: {len(draft.unmapped)} table(s)",
        highlight=False,
    )
    for special in draft.special:
        err_console.print(
            f"[yellow]Art. 9/10?[/yellow] {special.table}.{special.column}: "
            f"{', '.join(special.categories)}",
            highlight=False,
        )
    if result.def_c4_conflict:
        err_console.print(
            "[red]DEF-C4:[/red] the policy declares no special categories of data, but "
            f"{len(draft.special)} column(s) look like Art. 9/10 data: review them."
        )
    if out is not None:
        err_console.print(f"{out}: draft written; confirm every proposal before using it")


@datamap_app.command("check")
def check(
    system: Annotated[str | None, typer.Option("--system", help="Check this system only.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="Use this URL for --system.")] = None,
    sample: Annotated[int, typer.Option("--sample", help="Rows sampled per table.")] = 50,
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
    json_out: JsonOpt = False,
) -> None:
    """Verify the map against the live databases; exit 1 when they have drifted apart."""
    from garant.datamap import discovery

    garant = open_garant(workspace)
    datamap = garant.datamap
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        findings = discovery.check(
            uow=uow,
            datamap=datamap,
            workspace=datamap.base_dir or garant.workspace,
            system=system,
            url=url,
            sample_size=sample,
        )
    drift = [f for f in findings if f.level == "drift"]
    if json_out:
        print_json({"drift": len(drift), "findings": [f.as_dict() for f in findings]})
    else:
        _print_findings(findings, len(drift))
    if drift:
        raise typer.Exit(1)


def _print_findings(findings: list[Any], drift: int) -> None:
    table = Table("level", "system", "collection", "column", "finding")
    for f in findings:
        style = "red" if f.level == "drift" else "dim"
        message = f"{f.where}: {f.message}" if f.where else f.message
        table.add_row(
            f"[{style}]{f.level}[/{style}]", f.system, f.collection, f.column or "", message
        )
    if findings:
        console.print(table)
    noted = len(findings) - drift
    console.print(
        f"{drift} drift finding(s), {noted} note(s)"
        if drift
        else "the map matches the live database" + (f"; {noted} note(s)" if noted else "")
    )


def register(app: typer.Typer) -> None:
    """The commands join the ``datamap`` group (``cli/datamap.py``) when this module loads."""
