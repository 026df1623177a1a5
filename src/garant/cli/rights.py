"""Commands of the rights feature: ``garant request``, ``garant erasure``, ``garant directive``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from garant.cli.common import (
    ActorOpt,
    AsOfOpt,
    JsonOpt,
    WorkspaceOpt,
    cli_actor,
    console,
    err_console,
    open_garant,
    print_json,
)
from garant.errors import Conflict, InvalidInput

request_app = typer.Typer(
    help="Rights requests: open, verify, decide, run, answer.", no_args_is_help=True
)
erasure_app = typer.Typer(
    help="Erasure journal: replay erasures after a restore.", no_args_is_help=True
)
directive_app = typer.Typer(
    help="Post-mortem directives (Loi 78-17 art. 85).", no_args_is_help=True
)

Many = Annotated[list[str] | None, typer.Option()]


def _pairs(items: list[str] | None, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInput(f'{what}: "{item}" is not KIND=VALUE')
        out[key.strip()] = value.strip()
    return out


def _day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f'{what}: "{text}" is not a date (YYYY-MM-DD)') from None


@request_app.command("open")
def open_cmd(
    type: Annotated[
        str,
        typer.Option(
            "--type",
            help="access, portability, rectification, erasure, restriction, objection, "
            "withdrawal, post_mortem",
        ),
    ],
    identity: Annotated[
        list[str], typer.Option("--identity", help="KIND=VALUE, e.g. email=a@b.fr (repeatable)")
    ],
    workspace: WorkspaceOpt = Path("."),
    received: Annotated[str | None, typer.Option(help="Day the letter or email arrived")] = None,
    channel: Annotated[str, typer.Option(help="web, email, post or api")] = "email",
    reply_email: Annotated[str | None, typer.Option()] = None,
    reply_address: Annotated[str | None, typer.Option(help="Postal reply address")] = None,
    requester: Annotated[
        str, typer.Option(help="person, representative, parental_authority, heir, designated")
    ] = "person",
    requester_name: Annotated[str | None, typer.Option()] = None,
    proof: Annotated[
        str | None, typer.Option(help="Proof of capacity (mandate, certificate...)")
    ] = None,
    lang: Annotated[str, typer.Option()] = "fr",
    entity: Annotated[str | None, typer.Option()] = None,
    change: Many = None,
    ground: Annotated[str | None, typer.Option(help="Restriction ground (Art. 18(1))")] = None,
    activity: Many = None,
    prospecting: Annotated[bool, typer.Option(help="Objection to direct marketing")] = False,
    letter: Annotated[str | None, typer.Option(help="Where the scanned letter is filed")] = None,
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
    json: JsonOpt = False,
) -> None:
    """Record a request received by letter, email, the web or the API; print its id and due date."""
    from garant.rights import intake, service
    from garant.rights.schemas import RequestCreate

    try:
        data = RequestCreate.model_validate(
            {
                "type": type,
                "identities": _pairs(identity, "--identity"),
                "channel": channel,
                "received_on": _day(received, "--received"),
                "reply_email": reply_email,
                "reply_address": reply_address,
                "requester_kind": requester,
                "requester_name": requester_name,
                "requester_proof": proof,
                "lang": lang,
                "entity": entity,
                "changes": _pairs(change, "--change"),
                "restriction_ground": ground,
                "activities": activity or [],
                "prospecting": prospecting,
                "letter_reference": letter,
            }
        )
    except ValueError as exc:
        raise InvalidInput(_pydantic_message(exc)) from None
    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        req, token = intake.submit(uow=uow, data=data)
        out = service.read(uow, req)
    if json:
        print_json(out.model_dump(mode="json") | {"follow_token": token})
    else:
        console.print(f"request {out.id} · {out.type} · due {out.due_day} · {out.status}")


def _pydantic_message(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors())
    return str(exc)


@request_app.command("list")
def list_cmd(
    workspace: WorkspaceOpt = Path("."),
    overdue: Annotated[bool, typer.Option(help="Only open requests past their due date")] = False,
    status: Annotated[str | None, typer.Option()] = None,
    type: Annotated[str | None, typer.Option("--type")] = None,
    as_of: AsOfOpt = None,
    json: JsonOpt = False,
) -> None:
    """Requests, soonest due first, with the days left."""
    from garant.rights import service

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work() as uow:
        rows = service.list_requests(uow=uow, overdue=overdue, status=status, type=type)
    if json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("id", "type", "status", "received", "due", "days left")
    for r in rows:
        left = f"[red]{r.days_left}[/red]" if r.overdue else str(r.days_left)
        state = f"{r.status} [red](needs attention)[/red]" if r.attention else r.status
        table.add_row(str(r.id), r.type, state, str(r.received_day), str(r.due_day), left)
    console.print(table)


@request_app.command("show")
def show_cmd(
    request_id: int,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    json: JsonOpt = False,
) -> None:
    """One request: dates, decisions, tasks, and its timeline from the audit log."""
    from garant.audit.service import events_for
    from garant.rights import service

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work() as uow:
        out = service.read(uow, service.get(uow, request_id))
        timeline = events_for(uow.session, object_type="request", object_id=request_id)
    if json:
        print_json(out.model_dump(mode="json") | {"timeline": timeline})
        return
    console.print(
        f"request {out.id} · {out.type} · {out.status} · received {out.received_day} · "
        f"due {out.due_day} ({out.days_left} days left){' · EXTENDED' if out.extended else ''}"
    )
    if out.attention:
        console.print(f"  [red]needs attention:[/red] {out.attention}", highlight=False)
    for d in out.decisions:
        flag = " (proposed)" if d.proposed else ""
        console.print(f"  {d.activity}: {d.decision} [{d.ground or ''}]{flag} {d.explanation}")
    for outcome in out.erasure:
        console.print(f"  {outcome.place}: {_erasure_line(outcome)}")
    for t in out.tasks:
        console.print(f"  task {t['id']}: {t['kind']} {t['target']} {t['status']}")
    for e in timeline:
        console.print(f"  {e['at']} {e['actor']} {e['action']}")


@request_app.command("plan")
def plan_cmd(
    request_id: int,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    json: JsonOpt = False,
    actor: ActorOpt = "",
) -> None:
    """What an erasure request would do now, per collection: erased, moved to the archive
    until which date under which statute (DEF-R3), kept live and why. Changes nothing."""
    from garant.rights import archiving, service
    from garant.rights.schemas import ErasureOutcome

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        rows = [
            ErasureOutcome.model_validate(o)
            for o in archiving.preview(uow, service.get(uow, request_id))
        ]
    if json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    for outcome in rows:
        console.print(f"{outcome.place}: {_erasure_line(outcome)}")


def _erasure_line(e: Any) -> str:
    """What an erasure did (or plans) to one collection, DEF-R3's archive move included."""
    parts = [f"{e.erased} erased"]
    if e.archived:
        until = ", ".join(str(d) for d in e.until)
        duty = f", {e.statute}" if e.statute else ""
        parts.append(f"{e.archived} moved to the archive until {until}{duty}")
    if e.kept:
        parts.append(f"{e.kept} kept live ({e.why or 'decision'})")
    return "; ".join(parts) + ("" if e.done else " (planned)")


@request_app.command("verify")
def verify_cmd(
    request_id: int,
    workspace: WorkspaceOpt = Path("."),
    code: Annotated[str | None, typer.Option(help="The code the person received")] = None,
    accept: Annotated[
        bool | None, typer.Option("--accept/--reject", help="Staff decision on the proof")
    ] = None,
    method: Annotated[str, typer.Option(help="staff, document or number_match")] = "staff",
    document_type: Annotated[str | None, typer.Option()] = None,
    note: Annotated[str | None, typer.Option()] = None,
    keep: Annotated[
        list[str] | None,
        typer.Option(help="With identities that disagree: a kind of the one person (repeatable)"),
    ] = None,
    ask_document: Annotated[
        bool, typer.Option(help="Ask the person for an identity document")
    ] = False,
    resend: Annotated[bool, typer.Option(help="Send a new code by email")] = False,
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Confirm the requester's identity (code, staff check of a document or letter)."""
    from garant.rights import identity, service

    garant = open_garant(workspace, as_of)
    if code is not None:  # counted in its own transaction before it is judged
        identity.try_code(garant, cli_actor(actor or None), request_id=request_id, code=code)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        if code is not None:
            pass  # checked above, each try in its own transaction
        elif ask_document:
            identity.ask_document(uow=uow, request_id=request_id)
        elif resend:
            identity.send_code(uow=uow, req=service.get(uow, request_id))
        elif accept is not None:
            identity.staff_check(
                uow=uow,
                request_id=request_id,
                accepted=accept,
                method=method,
                document_type=document_type,
                note=note,
                keep=keep or None,
            )
        else:
            raise InvalidInput("give --code, --accept/--reject, --ask-document or --resend")
        req = service.get(uow, request_id)
        console.print(f"request {req.id}: {req.status}, due {req.due_day}")


@request_app.command("decide")
def decide_cmd(
    request_id: int,
    workspace: WorkspaceOpt = Path("."),
    accept: Annotated[
        bool, typer.Option("--accept", help="Accept every proposed decision")
    ] = False,
    decision: Many = None,
    explain: Many = None,
    ground: Many = None,
    refuse: Annotated[str | None, typer.Option(help="Refuse the request, with reasons")] = None,
    fee: Annotated[float | None, typer.Option(help="Fee in euros (Art. 12(5), 15(3))")] = None,
    fee_reason: Annotated[str | None, typer.Option()] = None,
    fee_paid: Annotated[bool, typer.Option()] = False,
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Decide activity by activity: --decision ACTIVITY=DECISION --explain ACTIVITY=TEXT."""
    from garant.rights import decisions, service
    from garant.rights.schemas import DecideIn

    chosen, why, grounds = (
        _pairs(decision, "--decision"),
        _pairs(explain, "--explain"),
        _pairs(ground, "--ground"),
    )
    try:
        data = DecideIn.model_validate(
            {
                "decisions": [
                    {
                        "activity": a,
                        "decision": d,
                        "explanation": why.get(a),
                        "ground": grounds.get(a),
                    }
                    for a, d in chosen.items()
                ],
                "accept_proposals": accept,
                "refuse_reason": refuse,
                "fee_cents": None if fee is None else round(fee * 100),
                "fee_reason": fee_reason,
                "fee_paid": fee_paid,
            }
        )
    except ValueError as exc:
        raise InvalidInput(_pydantic_message(exc)) from None
    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        decisions.decide(uow=uow, request_id=request_id, data=data)
        req = service.get(uow, request_id)
        console.print(f"request {req.id}: {req.status}")


@request_app.command("run")
def run_cmd(
    request_id: int,
    workspace: WorkspaceOpt = Path("."),
    now: Annotated[
        bool, typer.Option("--now/--queue", help="Run here, or leave it to the worker")
    ] = True,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="On failure, also print the driver's error")
    ] = False,
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Carry the decisions out (a job: resumable, never twice). After a failure, runs it
    again at once. Exit 1, with what failed where and the next attempt, when a step fails."""
    from garant.jobs.worker import run_here
    from garant.rights import execute, service

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        job_id = execute.run(uow=uow, request_id=request_id).id
    job_status = None
    if now:  # here, or wait for the Celery worker a broker woke first
        with console.status(f"running request {request_id}"):
            job_status = run_here(garant, job_id)[0]
    with garant.unit_of_work(read_only=True) as uow:
        req = service.get(uow, request_id)
        failed = _job_failure(uow, job_id)
        status = req.status
        held = _held_elsewhere(uow, job_id) if job_status == "running" else None
    if held is not None:
        # another worker holds the job (or one killed mid-run whose lease has not run
        # out): nothing finished here, so this is not a success
        err_console.print(
            f"[red]error:[/red] request {request_id}: {held}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(1)
    if failed is None:
        console.print(f"request {request_id}: {status}")
        return
    line, detail = failed
    err_console.print(f"[red]error:[/red] {line}", highlight=False, soft_wrap=True)
    if verbose and detail:
        err_console.print(detail, highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(1)


def _held_elsewhere(uow: Any, job_id: int) -> str | None:
    """The line saying the execution is held by another worker, until when."""
    from garant.jobs.models import Job

    job = uow.session.get(Job, job_id)
    if job is None or job.status != "running" or job.leased_until is None:
        return None
    until = job.leased_until.astimezone(uow.garant.timezone)
    return (
        f"still running in another worker, which holds it until {until:%Y-%m-%d %H:%M} "
        f"{until.tzname()}; run it again after that time if it has not ended"
    )


def _job_failure(uow: Any, job_id: int) -> tuple[str, str] | None:
    """(one line: what failed where, and when it is tried again; the scrubbed detail)."""
    from garant.clock import local_date
    from garant.jobs.models import Job

    job = uow.session.get(Job, job_id)
    if job is None or not job.error or job.status not in ("pending", "failed"):
        return None
    first, _, detail = job.error.partition("\n")
    if job.status == "failed":
        return f"{first}; no attempt left: fix the cause, then run it again", detail
    moment = job.run_at.astimezone(uow.garant.timezone)
    day = local_date(job.run_at, uow.garant.timezone)
    when = f"{day.isoformat()} {moment:%H:%M} {moment.tzname()}"
    return f"{first}; next attempt at {when} (or run it again now)", detail


@request_app.command("extend")
def extend_cmd(
    request_id: int,
    reason: Annotated[str, typer.Option(help="Told to the person (Art. 12(3))")],
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Extend once, to three months from receipt, telling the person why."""
    from garant.rights import service

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        req = service.extend(uow=uow, request_id=request_id, reason=reason)
        console.print(f"request {req.id}: due {req.due_day}")


@request_app.command("close")
def close_cmd(
    request_id: int,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Close an answered, refused or withdrawn request (kept, then archived 5 years: AF-R5)."""
    from garant.rights import service

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        req = service.close(uow=uow, request_id=request_id)
        console.print(f"request {req.id}: {req.status}")


@request_app.command("revoke-link")
def revoke_link_cmd(
    package_id: int,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Stop a package's signed download link before it expires (audited); the link then
    answers as an expired one. The request's page lists its packages (and `GET
    /api/rights/requests/ID/packages`)."""
    from garant.rights import package

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        found = package.revoke(uow=uow, package_id=package_id)
        console.print(f"package {found.id} of request {found.request_id}: link revoked")


@request_app.command("copy")
def copy_cmd(
    request_id: int,
    workspace: WorkspaceOpt = Path("."),
    fee: Annotated[float, typer.Option(help="Fee in euros for this further copy")] = 0.0,
    fee_reason: Annotated[str | None, typer.Option()] = None,
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """A further copy of an access export (Art. 15(3): a reasonable fee may apply)."""
    from garant.jobs.worker import run_here
    from garant.rights import execute

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        job_id = execute.further_copy(
            uow=uow, request_id=request_id, fee_cents=round(fee * 100), fee_reason=fee_reason
        ).id
    status, _, error = run_here(garant, job_id)
    if status != "done":
        raise Conflict(f"request {request_id}: the copy is not made yet ({error or status})")
    console.print(f"request {request_id}: further copy made")


@request_app.command("lift")
def lift_cmd(
    restriction_id: int,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Lift a restriction of processing; the person is told first (Art. 18(3))."""
    from garant.rights import restriction

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        row = restriction.lift(uow=uow, restriction_id=restriction_id)
        console.print(f"restriction {row.id}: {row.status}")


@request_app.command("task-done")
def task_done_cmd(
    task_id: int,
    workspace: WorkspaceOpt = Path("."),
    note: Annotated[str | None, typer.Option()] = None,
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Art. 19: a processor or recipient confirmed it did the same."""
    from garant.rights import tasks

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        task = tasks.complete(uow=uow, task_id=task_id, note=note)
        console.print(f"task {task.id}: {task.status}")


@request_app.command("letter")
def letter_cmd(
    request_id: int,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
) -> None:
    """Print the reply as a letter, in the person's language."""
    from garant.rights import reply, service

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work() as uow:
        subject, text = reply.letter(uow, service.get(uow, request_id))
    typer.echo(f"{subject}\n\n{text}")


@erasure_app.command("replay")
def replay_cmd(
    workspace: WorkspaceOpt = Path("."),
    request: Annotated[int | None, typer.Option(help="Only this request's erasures")] = None,
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
    json: JsonOpt = False,
) -> None:
    """Erase again, after a database restore, every row the erasure journal names."""
    from garant.rights import erasure

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        counts = erasure.replay(uow=uow, request_id=request)
    if json:
        print_json(counts)
    else:
        for place, n in counts.items():
            console.print(f"{place}: {n} row(s) erased again")


@directive_app.command("define")
def directive_define(
    identity: Annotated[list[str], typer.Option("--identity", help="KIND=VALUE (repeatable)")],
    text: Annotated[str, typer.Option(help="The directives, in the person's words")],
    action: Annotated[
        list[str], typer.Option("--action", help="erase, object, communicate or keep")
    ],
    consent: Annotated[
        bool, typer.Option("--consent", help="The person's specific consent")
    ] = False,
    executor: Annotated[
        str | None, typer.Option(help="Who carries them out (none: the heirs, art. 85 I)")
    ] = None,
    executor_email: Annotated[str | None, typer.Option()] = None,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Record a person's specific post-mortem directives (AF-D8)."""
    from garant.rights import directives

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        row = directives.define(
            uow=uow,
            identities=_pairs(identity, "--identity"),
            text=text,
            executor=executor,
            executor_email=executor_email,
            actions=action,
            consent=consent,
        )
        console.print(f"directive {row.id} v{row.version}: {', '.join(row.actions)}")


@directive_app.command("modify")
def directive_modify(
    directive_id: int,
    text: Annotated[str | None, typer.Option()] = None,
    executor: Annotated[str | None, typer.Option()] = None,
    action: Many = None,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Change directives (a new version)."""
    from garant.rights import directives

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        row = directives.modify(
            uow=uow, directive_id=directive_id, text=text, executor=executor, actions=action
        )
        console.print(f"directive {row.id} v{row.version}")


@directive_app.command("revoke")
def directive_revoke(
    directive_id: int,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Revoke directives at any time."""
    from garant.rights import directives

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        row = directives.revoke(uow=uow, directive_id=directive_id)
        console.print(f"directive {row.id}: {row.status}")


@directive_app.command("death")
def directive_death(
    identity: Annotated[list[str], typer.Option("--identity", help="KIND=VALUE (repeatable)")],
    proof: Annotated[str, typer.Option(help="Death certificate reference")],
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Record a death: the person's directives are applied as requests."""
    from garant.rights import directives

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        opened = directives.record_death(
            uow=uow, identities=_pairs(identity, "--identity"), proof=proof
        )
        for req in opened:
            console.print(f"request {req.id}: {req.type} · {req.status} · due {req.due_day}")
        if not opened:
            console.print("no active directives; heirs may still ask for erasure or object")


def register(app: typer.Typer) -> None:
    """Add this feature's commands and groups to the main app."""
    app.add_typer(request_app, name="request")
    app.add_typer(erasure_app, name="erasure")
    app.add_typer(directive_app, name="directive")
