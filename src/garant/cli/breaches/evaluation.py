"""Assessing a breach's risk, and the DPO's override of the assessment."""

from pathlib import Path
from typing import Annotated, cast

import typer

from garant.breaches.schemas import Risk
from garant.cli.breaches.shared import Ref, breach_app
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


@breach_app.command("assess")
def assess_cmd(
    file: Annotated[Path, typer.Argument(help="A JSON (or YAML) file of facts.")],
    breach: Annotated[str | None, typer.Option(help="Keep the result on this breach.")] = None,
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
    json_out: JsonOpt = False,
    lang: Annotated[str, typer.Option(help="en or fr: the language of the reasons.")] = "en",
) -> None:
    """Assess the risk from facts: none, risk or high; whom to tell; the reasons."""
    from garant.breaches.adjustments import assess
    from garant.breaches.assessment import localized
    from garant.breaches.schemas import Facts
    from garant.breaches.service import assess_breach
    from garant.errors import InvalidInput
    from garant.sourcefile import load_document, validate_document

    if lang not in ("fr", "en"):
        raise InvalidInput(f"--lang: {lang!r} is not a language Garant speaks (fr or en)")
    facts = validate_document(load_document(file, display_name=str(file)), Facts)
    if breach is None:
        result = assess(facts)
    else:
        garant = open_garant(workspace)
        with garant.unit_of_work(cli_actor(actor or None)) as uow:
            result = assess_breach(uow=uow, ref=breach, facts=facts)
    result = localized(result, lang)
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
