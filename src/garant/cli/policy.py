"""Commands of the policy feature: ``garant policy``, ``garant register``, ``garant form``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

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

if TYPE_CHECKING:
    from datetime import tzinfo

    from garant.policy.publication import PublicationPreview

policy_app = typer.Typer(
    help="The policy: check, promises, notice, versions.", no_args_is_help=True
)
register_app = typer.Typer(
    help="The register of processing activities (Art. 30).", no_args_is_help=True
)
form_app = typer.Typer(help="Collection forms: information text and checks.", no_args_is_help=True)

LangOpt = Annotated[str, typer.Option("--lang", help="fr or en.")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Write to this file.")]


def register(app: typer.Typer) -> None:
    """Add this feature's commands and groups to the main app."""
    app.add_typer(policy_app, name="policy")
    app.add_typer(register_app, name="register")
    app.add_typer(form_app, name="form")


def _write(text: str | bytes, out: Path | None) -> None:
    if out is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
            sys.stdout.flush()
        else:
            typer.echo(text, nl=False)
        return
    out.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    console.print(f"[green]written[/green] {out}", highlight=False)


@policy_app.command("check")
def check(workspace: WorkspaceOpt = Path("."), as_json: JsonOpt = False) -> None:
    """Lint the policy: privacy by design, statutes, transfers, forms (exit 1 on errors)."""
    from garant.policy.lint import errors
    from garant.policy.service import run_check
    from garant.policy.walk import assumed_elements

    garant = open_garant(workspace)
    findings = run_check(garant)
    if as_json:
        print_json([f.as_dict() for f in findings])
    else:
        for f in findings:
            colour = "red" if f.severity == "error" else "yellow"
            console.print(
                f"[{colour}]{escape(f.format())}[/{colour}]", highlight=False, soft_wrap=True
            )
        n_err = len(errors(findings))
        console.print(f"{n_err} error(s), {len(findings) - n_err} warning(s)")
        assumed = assumed_elements(garant.policy)
        if assumed:
            console.print(
                f"{len(assumed)} element(s) marked assumed: true (values the "
                "published policy does not give; confirm them)",
                highlight=False,
            )
    if errors(findings):
        raise typer.Exit(1)


@policy_app.command("promises")
def promises(
    workspace: WorkspaceOpt = Path("."),
    tests: Annotated[Path | None, typer.Option("--tests", help="Tests directory to grep.")] = None,
    prefix: Annotated[str | None, typer.Option(help="Organization prefix: AF, DEF.")] = None,
    catalog: Annotated[Path | None, typer.Option(help="promises.md to read.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every promise ID with the element(s) that keep it and the tests that name it."""
    from garant.policy.promises import default_tests_dir
    from garant.policy.service import run_promises

    garant = open_garant(workspace, migrate=False)
    report = run_promises(
        garant, tests_dir=tests or default_tests_dir(), prefix=prefix, catalog=catalog
    )
    name = garant.policy_path.name
    if as_json:
        print_json([s.as_dict(name) for s in report])
    else:
        table = Table("ID", "kept by", "tests")
        for s in report:
            kept = (
                "\n".join(f"{k.label} ({name}:{k.line})" for k in s.kept_by) or "[red]UNKEPT[/red]"
            )
            table.add_row(
                s.promise.id,
                kept,
                "\n".join(s.tests[:3]) + (f"\n(+{len(s.tests) - 3})" if len(s.tests) > 3 else "")
                or "-",
            )
        console.print(table)
    unkept = [s.promise.id for s in report if not s.kept]
    if unkept:
        console.print(f"[red]unkept:[/red] {', '.join(unkept)}", highlight=False)
        raise typer.Exit(1)


@policy_app.command("notice")
def notice(
    workspace: WorkspaceOpt = Path("."),
    lang: LangOpt = "fr",
    fmt: Annotated[str, typer.Option("--format", help="html or md.")] = "html",
    out: OutOpt = None,
) -> None:
    """The complete public privacy notice."""
    from garant.policy.service import notice_text

    _write(notice_text(open_garant(workspace), lang=lang, fmt=fmt), out)


def _interactive() -> bool:
    """A person at a terminal who can answer the question."""
    return sys.stdin.isatty()


def _show_preview(shown: PublicationPreview, zone: tzinfo) -> None:
    """The same preview as the back office: version, changes, recipients, messages."""
    from garant.i18n.dates import format_datetime

    after = f"replaces version {shown.previous}" if shown.previous else "the first version"
    console.print(f"Version {shown.number} ({after})", highlight=False)
    if shown.note:
        console.print(f"What changed: {shown.note}", markup=False, highlight=False)
    for c in shown.changes:
        console.print(f"  {c.change}: {c.section} {c.id}", highlight=False)
    when = format_datetime(shown.at, zone)
    console.print(f"Published and announced when you confirm (now: {when})", highlight=False)
    if not shown.mailings:
        console.print("Publishing this version mails no one.")
    for mailing in shown.mailings:
        for lang, subject, text in ((m.lang, m.subject, m.text) for m in mailing.messages):
            console.rule(f"{lang}: {subject}", characters="-")
            console.print(text, markup=False, highlight=False)
        by_language = ", ".join(f"{n} in {lang}" for lang, n in mailing.by_language.items())
        console.print(
            f"{mailing.recipients} person(s) will receive the notice by email"
            + (f" ({by_language})" if by_language else ""),
            highlight=False,
        )


@policy_app.command("publish")
def publish(
    workspace: WorkspaceOpt = Path("."),
    note: Annotated[str, typer.Option(help="What changed, in a sentence.")] = "",
    actor: ActorOpt = "",
    yes: Annotated[
        bool, typer.Option("--yes", help="Publish without asking (the preview is still shown).")
    ] = False,
    preview: Annotated[
        bool, typer.Option("--preview", help="Show what publishing would do; publish nothing.")
    ] = False,
) -> None:
    """Store the current policy as a new version (number, date, hash, diff) and tell the
    persons by email (DEF-V1): shows the version, the changes, how many persons and the
    message in each language, then asks (--yes to skip the question)."""
    from garant.policy import versions
    from garant.policy.publication import preview_publication

    if not (yes or preview or _interactive()):
        raise InvalidInput(
            "publishing mails the persons concerned: read it with --preview, then run with --yes"
        )
    garant = open_garant(workspace)
    who = cli_actor(actor or None)
    with garant.unit_of_work(who) as uow:
        shown = preview_publication(uow=uow, path=garant.policy_path, note=note)
    _show_preview(shown, garant.timezone)
    if preview or not (yes or typer.confirm(f"Publish version {shown.number}?", default=False)):
        console.print("Nothing published.")
        return
    with garant.unit_of_work(who) as uow:
        version = versions.publish(
            uow=uow, path=garant.policy_path, note=note, expected_sha256=shown.sha256
        )
        number, digest = version.number, version.sha256
    told = f"; the notice to {shown.recipients} person(s) is queued" if shown.mailings else ""
    console.print(f"[green]published version {number}[/green] sha256 {digest[:12]}…{told}")


@policy_app.command("versions")
def list_versions(workspace: WorkspaceOpt = Path("."), as_json: JsonOpt = False) -> None:
    """The published versions, newest first."""
    from garant.policy import versions

    garant = open_garant(workspace)
    with garant.unit_of_work() as uow:
        rows = [versions.version_row(v) for v in versions.list_versions(uow)]
    if as_json:
        print_json(rows)
        return
    table = Table("version", "published", "by", "sha256", "changes", "note")
    for r in rows:
        table.add_row(
            str(r["number"]),
            r["published_at"],
            r["published_by"],
            r["sha256"][:12],
            str(len(r["changes"])),
            r["note"],
        )
    console.print(table)


@policy_app.command("diff")
def diff(
    v1: Annotated[int, typer.Argument(help="From this version.")],
    v2: Annotated[int, typer.Argument(help="To this version.")],
    workspace: WorkspaceOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """What changed between two published versions."""
    from garant.policy import versions

    garant = open_garant(workspace)
    with garant.unit_of_work() as uow:
        text, changes = versions.diff_versions(uow, v1, v2)
    if as_json:
        print_json({"changes": [c.as_dict() for c in changes], "diff": text})
        return
    for c in changes:
        console.print(f"{c.change}: {c.section} {c.id}", highlight=False)
    typer.echo(text, nl=False)


@register_app.command("export")
def export(
    workspace: WorkspaceOpt = Path("."),
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx or json.")] = "csv",
    entity: Annotated[str | None, typer.Option(help="Only this entity's activities.")] = None,
    lang: LangOpt = "fr",
    out: OutOpt = None,
) -> None:
    """The register of processing activities in the CNIL's columns (French by default)."""
    from garant.policy.register import export_register

    if fmt == "xlsx" and out is None:
        raise InvalidInput("xlsx is a binary file: give --out FILE")
    data = export_register(open_garant(workspace).policy, fmt, entity=entity, lang=lang)
    _write(data, out)


@form_app.command("notice")
def form_notice(
    form: Annotated[str, typer.Argument(help="The form's id in the policy.")],
    workspace: WorkspaceOpt = Path("."),
    lang: LangOpt = "fr",
    fmt: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    out: OutOpt = None,
) -> None:
    """The information to show beside a form: who, why, mandatory fields (*), rights."""
    from garant.policy.forms import form_notice as build
    from garant.policy.service import render

    _write(render(build(open_garant(workspace).policy, form, lang), fmt), out)


@form_app.command("validate")
def form_validate(
    form: Annotated[str, typer.Argument(help="The form's id in the policy.")],
    data: Annotated[str, typer.Option(help="The submission as JSON, or @file.json.")],
    workspace: WorkspaceOpt = Path("."),
    lang: LangOpt = "fr",
) -> None:
    """Check a submission: a missing mandatory field is named with its consequence."""
    from garant.policy.forms import validate_submission

    text = Path(data[1:]).read_text(encoding="utf-8") if data.startswith("@") else data
    try:
        values = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"--data is not JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(values, dict):
        raise InvalidInput("--data must be a JSON object of field: value")
    validate_submission(open_garant(workspace).policy, form, values, lang=lang)
    console.print("[green]valid[/green]")
