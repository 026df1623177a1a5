"""DPIA screening, criteria, assessments and their export."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer

from garant.cli.accountability.shared import show_table, validated
from garant.cli.common import (
    ActorOpt,
    JsonOpt,
    WorkspaceOpt,
    cli_actor,
    console,
    open_garant,
    print_json,
)
from garant.errors import InvalidInput

dpia_app = typer.Typer(help="DPIA screening and assessments.", no_args_is_help=True)


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

    data = validated(
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
    from garant.dpia.rules import ART35_3, CNIL_EXEMPT, CNIL_LIST, CRITERIA

    show_table("EDPB criteria (WP248)", ["Id", "Criterion"], [[k, v] for k, v in CRITERIA.items()])
    show_table("Art. 35(3): always a DPIA", ["Id", "Case"], [[k, v] for k, v in ART35_3.items()])
    show_table(
        "CNIL list (Art. 35(4))", ["Id", "Processing"], [[k, v] for k, v in CNIL_LIST.items()]
    )
    show_table(
        "CNIL no-DPIA list (Art. 35(5))",
        ["Id", "Processing"],
        [[k, v] for k, v in CNIL_EXEMPT.items()],
    )


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
    data = validated(DpiaAssessment, **(raw or {}))
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
        show_table("DPIAs", ["#", "Title", "Activity", "Required", "Status", "Art. 36"], rows)
