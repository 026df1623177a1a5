"""Commands of the retention feature: ``retention``, ``archive`` and ``hold`` groups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
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
from garant.store.uow import Actor

retention_app = typer.Typer(help="Retention: forecast and sweep.", no_args_is_help=True)
archive_app = typer.Typer(help="The intermediate archive (DEF-R5, DEF-R6).", no_args_is_help=True)
hold_app = typer.Typer(help="Legal holds (DEF-R4).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")
    app.add_typer(archive_app, name="archive")
    app.add_typer(hold_app, name="hold")


class _Bar:
    """One Rich progress bar per rule and collection."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.task: Any = None

    def start(self, label: str, total: int) -> None:
        self.task = self.progress.add_task(label, total=total or 1)
        if not total:
            self.progress.update(self.task, completed=1)

    def advance(self, count: int) -> None:
        self.progress.advance(self.task, count)


@retention_app.command("plan")
def plan_cmd(
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    horizon: Annotated[str, typer.Option("--horizon", help="e.g. 90d, 6 months.")] = "90d",
    json_out: JsonOpt = False,
) -> None:
    """Per rule and collection: rows due now, due within the horizon, held and why."""
    from garant.retention.rules import parse_duration
    from garant.retention.sweep import plan

    garant = open_garant(workspace, as_of)
    rows = plan(garant, horizon=parse_duration(horizon))
    if json_out:
        print_json(rows)
        return
    table = Table("rule", "collection", "action", "due now", f"within {horizon}", "held", "why")
    for r in rows:
        why = ", ".join(f"{k}: {v}" for k, v in r["held_reasons"].items())
        if r.get("no_start"):
            why += (", " if why else "") + f"no start date (never due): {r['no_start']}"
        table.add_row(
            r["rule"],
            r["collection"],
            r["action"],
            str(r["due_now"]),
            str(r["due_within_horizon"]),
            str(r["held"]),
            why,
        )
    console.print(table)
    from garant.retention.service import rule_warnings

    for warning in rule_warnings(garant):
        console.print(f"[yellow]warning:[/yellow] {warning}")


@retention_app.command("run")
def run_cmd(
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count, change nothing.")] = False,
    json_out: JsonOpt = False,
    actor: ActorOpt = "",
    verbose: Annotated[
        bool, typer.Option("--verbose", help="On failure, the driver's error (values hidden).")
    ] = False,
) -> None:
    """Apply every due rule in batches, as a job; an interrupted run is completed later.

    Exit 1 with one line when the sweep waits for approval or a step failed."""
    from garant.retention.approval import SweepFailed

    garant = open_garant(workspace, as_of)
    try:
        _run(garant, dry_run, json_out, actor)
    except SweepFailed as exc:
        detail = getattr(exc, "detail", "")
        if verbose and detail:
            console.print(detail, markup=False, highlight=False)
        raise


@retention_app.command("approve")
def approve_cmd(
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
    actor: ActorOpt = "",
) -> None:
    """Approve today's forecast (read it first with `retention plan`): a new workspace's
    sweeps wait for one, and a sweep removing more than max_share of a collection waits
    for one covering that many rows."""
    from garant.retention.approval import approve

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        record = approve(garant, uow=uow)
        out: dict[str, Any] = {
            "approval": record.id,
            "day": record.day,
            "forecast": dict(record.forecast),
        }
    if json_out:
        print_json(out)
        return
    console.print(f"Approval {out['approval']} of the forecast of {out['day']}:")
    for name, n in out["forecast"].items():
        console.print(f"  {name}: {n}")


def _run(garant: Any, dry_run: bool, json_out: bool, actor: str) -> None:
    from garant.retention.wiring import run_as_job

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=json_out) as progress:
        record = run_as_job(
            garant,
            actor=cli_actor(actor or None),
            dry_run=dry_run,
            progress=lambda: _Bar(progress),
        )
    if json_out:
        print_json({"run": record.id, "dry_run": record.dry_run, "counts": record.counts})
        return
    verb = "would change" if dry_run else "changed"
    console.print(f"Run {record.id} {verb}:")
    for name, actions in record.counts.get("collections", {}).items():
        console.print(f"  {name}: " + ", ".join(f"{a} {n}" for a, n in actions.items()))
    for name, n in record.counts.get("own_data", {}).items():
        console.print(f"  Garant {name}: {n}")
    console.print(f"  archives destroyed: {record.counts.get('archives_destroyed', 0)}")


# --- archive -------------------------------------------------------------------------
@archive_app.command("list")
def archive_list(
    workspace: WorkspaceOpt = Path("."),
    all_: Annotated[bool, typer.Option("--all", help="Include destroyed archives.")] = False,
    json_out: JsonOpt = False,
) -> None:
    from garant.retention.archive import list_bundles

    garant = open_garant(workspace)
    with garant.unit_of_work() as uow:
        rows = [_bundle(b) for b in list_bundles(uow=uow, include_destroyed=all_)]
    if json_out:
        print_json(rows)
        return
    table = Table("id", "collection", "rule", "rows", "created", "expires", "destroyed")
    for r in rows:
        table.add_row(
            r["id"],
            r["collection"],
            r["rule"],
            str(r["rows"]),
            r["created_at"][:10],
            r["expires_at"][:10],
            (r["destroyed_at"] or "")[:10],
        )
    console.print(table)


def _bundle(b: Any) -> dict[str, Any]:
    return {
        "id": b.id,
        "collection": f"{b.system}.{b.collection}",
        "rule": b.rule,
        "statute": b.statute,
        "fields": b.fields,
        "rows": b.row_count,
        "created_at": b.created_at.isoformat(),
        "expires_at": b.expires_at.isoformat(),
        "destroyed_at": b.destroyed_at.isoformat() if b.destroyed_at else None,
    }


@archive_app.command("verify")
def archive_verify(workspace: WorkspaceOpt = Path("."), json_out: JsonOpt = False) -> None:
    """Check every archive the audit log says was made: live with every hash intact, or
    destroyed with its proof, on or after its date; exit 1 on any problem."""
    from garant.retention.archive_evidence import verify_archives

    garant = open_garant(workspace)
    with garant.unit_of_work() as uow:
        report = verify_archives(uow=uow)
    if json_out:
        print_json(report.as_dict())
    else:
        for p in report.problems:
            console.print(f"[red]{p}[/red]", highlight=False)
        console.print(
            f"{report.events} archives made, {report.bundles} in the store "
            f"({report.destroyed} destroyed), {len(report.problems)} problems"
        )
    if report.problems:
        raise typer.Exit(1)


def _staff_actor(garant: Any, email: str) -> Actor:
    """The CLI acts with the role of the staff account named by ``--actor``."""
    from garant.accounts.service import get_user

    with garant.unit_of_work() as uow:
        user = get_user(uow=uow, email=email)
        return Actor("cli", user.email, user.role if user.active else None)


@archive_app.command("restore")
def archive_restore(
    bundle_id: str,
    reason: Annotated[str, typer.Option("--reason", help="Why (written to the audit log).")],
    out: Annotated[Path, typer.Option("--out", help="JSON file to write the rows to.")],
    actor: ActorOpt,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Decrypt an archive for an archivist (role of the --actor account), audited."""
    import json

    from garant.retention.archive import restore_bundle

    garant = open_garant(workspace)
    who = _staff_actor(garant, actor)
    with garant.unit_of_work(who) as uow:
        rows = restore_bundle(uow=uow, bundle_id=bundle_id, reason=reason)
    out.write_text(json.dumps(rows, indent=1, default=str, ensure_ascii=False), encoding="utf-8")
    out.chmod(0o600)
    console.print(f"{len(rows)} rows written to {out}")


@archive_app.command("destroy")
def archive_destroy(
    bundle_id: Annotated[str | None, typer.Argument()] = None,
    expired: Annotated[bool, typer.Option("--expired", help="Every expired archive.")] = False,
    override_reason: Annotated[
        str | None,
        typer.Option(
            "--override-reason",
            help="Destroy BUNDLE_ID before its date, for this documented reason (a court "
            "order, an authority's decision); written to the proof and the audit log.",
        ),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Destroy an archive whose period has ended, leaving a proof (DEF-R6)."""
    from garant.errors import InvalidInput
    from garant.retention.archive import destroy_bundle, destroy_expired

    if override_reason is not None and (bundle_id is None or expired):
        raise InvalidInput("--override-reason destroys one archive: name its BUNDLE_ID")
    if override_reason is not None and not override_reason.strip():
        raise InvalidInput("--override-reason is empty: say why the archive must go early")
    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        if expired or bundle_id is None:
            count = destroy_expired(uow=uow)
        else:
            destroy_bundle(uow=uow, bundle_id=bundle_id, override_reason=override_reason)
            count = 1
    console.print(f"{count} archive(s) destroyed; proofs kept in the archive directory")


# --- holds -----------------------------------------------------------------------------
@hold_app.command("add")
def hold_add(
    reason: Annotated[str, typer.Option("--reason", help="Litigation, investigation, ...")],
    identity: Annotated[str | None, typer.Option("--identity", help="KIND=VALUE")] = None,
    collection: Annotated[
        str | None, typer.Option("--collection", help="SYSTEM.COLLECTION")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
) -> None:
    from garant.retention.holds import add_hold, parse_collection, parse_identity

    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        hold = add_hold(
            uow=uow,
            reason=reason,
            identity=parse_identity(identity) if identity else None,
            collection=parse_collection(collection) if collection else None,
        )
        console.print(f"hold {hold.id} placed ({hold.scope})")


@hold_app.command("list")
def hold_list(workspace: WorkspaceOpt = Path("."), json_out: JsonOpt = False) -> None:
    from garant.retention.holds import list_holds

    garant = open_garant(workspace)
    with garant.unit_of_work() as uow:
        rows: list[dict[str, Any]] = [
            {
                "id": h.id,
                "scope": h.scope,
                "on": h.identity_kind if h.scope == "identity" else f"{h.system}.{h.collection}",
                "reason": h.reason,
                "since": h.created_at.isoformat(),
                "by": h.created_by,
            }
            for h in list_holds(uow=uow)
        ]
    if json_out:
        print_json(rows)
        return
    table = Table("id", "scope", "on", "reason", "since", "by")
    for r in rows:
        table.add_row(
            str(r["id"]), r["scope"], r["on"] or "", r["reason"], r["since"][:10], r["by"]
        )
    console.print(table)


@hold_app.command("release")
def hold_release(hold_id: int, workspace: WorkspaceOpt = Path("."), actor: ActorOpt = "") -> None:
    from garant.retention.holds import release_hold

    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        release_hold(uow=uow, hold_id=hold_id)
    console.print(f"hold {hold_id} released")
