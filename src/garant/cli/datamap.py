"""Commands of the datamap feature: ``garant datamap ...`` and ``garant subject ...``.

``datamap_app`` is the ``datamap`` group; ``cli/discovery.py`` adds ``infer`` and
``check`` to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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

datamap_app = typer.Typer(help="The data map: where personal data lives.", no_args_is_help=True)
subject_app = typer.Typer(help="A person's data: find, export.", no_args_is_help=True)

IdentityOpt = Annotated[
    list[str],
    typer.Option("--identity", "-i", help="KIND=VALUE, e.g. email=a@b.c (repeatable)."),
]
PurposeOpt = Annotated[
    str,
    typer.Option("--purpose", help="Why you access this person's data (written to the audit log)."),
]


@datamap_app.command("show")
def show(workspace: WorkspaceOpt = Path("."), json_out: JsonOpt = False) -> None:
    """List systems and collections with their activity, identities and references."""
    garant = open_garant(workspace)
    datamap = garant.datamap
    if json_out:
        print_json(datamap.model_dump(mode="json", by_alias=True))
        return
    table = Table("system", "collection", "activity", "identities", "references", "flags")
    for system, coll in datamap.all_collections():
        refs = ", ".join(f"{'/'.join(r.columns)}→{r.to} ({r.meaning})" for r in coll.references)
        flags = [
            n
            for n, on in (
                ("immutable", coll.immutable),
                ("shared", coll.shared),
                ("excluded", coll.exclude is not None),
            )
            if on
        ]
        table.add_row(
            system.id,
            coll.name,
            coll.activity or "",
            ", ".join(coll.identity),
            refs,
            ", ".join(flags),
        )
    console.print(table)


@datamap_app.command("validate")
def validate(workspace: WorkspaceOpt = Path(".")) -> None:
    """Check datamap.yaml, and its activities and retention rules against the policy."""
    from garant.datamap.loader import load_datamap

    garant = open_garant(workspace)
    load_datamap(garant.datamap_path, policy=garant.policy)
    console.print(f"{garant.datamap_path.name}: valid")


@subject_app.command("find")
def find(
    identity: IdentityOpt,
    purpose: PurposeOpt = "rights request",
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
    json_out: JsonOpt = False,
) -> None:
    """Per system and collection, the person's own rows and the context rows, counted."""
    from garant.subjects.rules import parse_identities
    from garant.subjects.service import find_subject

    identities = parse_identities(identity)
    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        found = find_subject(uow=uow, identities=identities, purpose=purpose)
    if json_out:
        print_json(found.to_dict())
        return
    table = Table("system", "collection", "activity", "own rows", "context rows", "entities")
    for rowset in found.rowsets:
        s = rowset.summary()
        table.add_row(
            s["system"],
            s["collection"],
            s["activity"] or "",
            str(s["owned"]),
            str(s["context"]),
            ", ".join(s["entities"]),
        )
    console.print(table)
    counts = found.counts()
    console.print(
        f"{counts['owned']} own rows in {counts['collections']} collections, "
        f"{counts['context']} context rows (shown, never taken for theirs)"
    )


@subject_app.command("export")
def export(
    identity: IdentityOpt,
    out: Annotated[Path, typer.Option("--out", help="The zip file to write.")],
    portable: Annotated[
        bool, typer.Option("--portable", help="Portable data only (AF-D4).")
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="fr or en.")] = "fr",
    purpose: PurposeOpt = "access request",
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Package everything the person's rows hold, with the Art. 15 information."""
    from garant.subjects.export import export_subject
    from garant.subjects.rules import parse_identities

    identities = parse_identities(identity)
    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        result = export_subject(
            uow=uow, identities=identities, out=out, purpose=purpose, portable=portable, lang=lang
        )
    counts = result.manifest["counts"]
    console.print(f"{out}: {counts['records']} records, {len(result.manifest['files'])} files")


@subject_app.command("erasure-plan")
def erasure_plan(
    identity: IdentityOpt,
    purpose: PurposeOpt = "erasure request",
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
) -> None:
    """Show what an erasure would delete or rewrite (nothing is changed)."""
    from garant.subjects.rules import parse_identities
    from garant.subjects.service import erasure_plan as plan_for

    identities = parse_identities(identity)
    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        plan = plan_for(uow=uow, identities=identities, purpose=purpose)
    print_json(plan.to_dict())


@datamap_app.command("demo-db")
def demo_db(
    example: Annotated[
        str, typer.Option("--example", help="alliance-francaise, def-network or public-body.")
    ],
    url: Annotated[str, typer.Option("--url", help="The database to (re)create and fill.")],
    persons: Annotated[int, typer.Option("--persons", help="How many persons.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same data.")] = 1,
    truth: Annotated[
        Path | None, typer.Option("--truth", help="Write the record of what was made here.")
    ] = None,
) -> None:
    """Generate an example's demo database at any size (its tables are dropped first)."""
    from rich.progress import Progress

    from garant.demo.generate import generate_database

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("persons", total=persons)
        generate_database(
            example,
            url,
            persons=persons,
            seed=seed,
            truth_path=truth,
            record=truth is not None,
            progress=lambda n: bar.update(task, completed=n),
        )
    console.print(f"{example}: {persons} persons written to the database")


def register(app: typer.Typer) -> None:
    """Add this feature's commands and groups to the main app."""
    from garant.cli import discovery  # adds ``infer`` and ``check`` to the datamap group

    discovery.register(app)
    app.add_typer(datamap_app, name="datamap")
    app.add_typer(subject_app, name="subject")
