"""Platform commands: init, demo, serve, worker, celery-worker, db, audit, user, keys, mail."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from garant.app import Garant
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
from garant.errors import InvalidInput

db_app = typer.Typer(help="Garant's own store: migrations, backup, restore.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
user_app = typer.Typer(help="Staff accounts, roles and API tokens.", no_args_is_help=True)
keys_app = typer.Typer(help="Versioned secret keys.", no_args_is_help=True)
mail_app = typer.Typer(help="The outbox.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("serve")(serve)
    app.command("worker")(worker)
    app.command("celery-worker")(celery_worker)
    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")
    app.add_typer(user_app, name="user")
    app.add_typer(keys_app, name="keys")
    app.add_typer(mail_app, name="mail")


def init(
    directory: Annotated[Path, typer.Argument(help="Where to create the workspace.")],
    example: Annotated[
        str | None,
        typer.Option(help="Start from an example: alliance-francaise, def-network or public-body."),
    ] = None,
    demo_mode: Annotated[
        bool, typer.Option("--demo", help="Demo mode: demo secrets allowed.")
    ] = False,
) -> None:
    """Create a workspace: policy.yaml, datamap.yaml, garant.toml and a key file."""
    from garant.workspace import create_workspace

    created = create_workspace(directory, example=example, demo=demo_mode)
    console.print(f"[green]Workspace created[/green] in {created}")
    if example is not None:
        from garant.demo import build_demo_data

        garant = open_garant(created)
        made = build_demo_data(garant, example)
        if made is not None:
            typer.echo(f"Demo database: {made.relative_to(created)} (the example's own data)")
        if demo_mode:
            typer.echo(f"Next: garant serve --workspace {directory}")
        else:
            typer.echo(
                f"Next: garant user add EMAIL --role dpo --workspace {directory}, set "
                f"GARANT_SESSION_SECRET (32 bytes or more), then garant serve --workspace "
                f"{directory}"
            )


def demo(
    directory: Annotated[Path, typer.Option(help="Where to put the demo workspace.")] = Path(
        ".garant-demo"
    ),
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    serve_it: Annotated[bool, typer.Option("--serve/--no-serve")] = True,
) -> None:
    """Create the Alliance Française demo and serve it, with its worker and a mail catcher."""
    from garant.demo.run import check_port
    from garant.workspace import prepare_demo

    if serve_it:
        check_port(host, port)
    garant, email, password = prepare_demo(directory)
    base = f"http://{host}:{port}"
    garant.settings.web.base_url = base
    typer.echo(f"Demo workspace: {garant.workspace}")
    typer.echo(f"Back office:    {base}/admin")
    typer.echo(f"DPO login:      {email}  password: {password}")
    typer.echo(f"Privacy center: {base}/privacy")
    typer.echo(f"Mail sent:      {base}/admin/mail  (caught here, never delivered)")
    if serve_it:
        _serve(garant, host, port)


def _serve(garant: Garant, host: str, port: int) -> None:
    import gc

    import uvicorn

    from garant.demo.run import check_port, demo_services
    from garant.web.access_log import log_config
    from garant.web.app import create_app

    check_port(host, port)
    app = create_app(garant)
    # Everything built at start-up lives as long as the server: out of the garbage
    # collector's full passes, which otherwise walk it all and stall every request
    # (a p99 of 100 ms at 1,000 consent checks a second).
    gc.freeze()
    if not garant.settings.is_demo:
        uvicorn.run(app, host=host, port=port, log_level="info", log_config=log_config())
        return
    # a demo finishes its flows on its own: the worker runs due jobs, mail is caught, and
    # the links it mails point at this server
    garant.settings.web.base_url = f"http://{host}:{port}"
    with demo_services(garant):
        uvicorn.run(app, host=host, port=port, log_level="info", log_config=log_config())


def serve(
    workspace: WorkspaceOpt = Path("."),
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the back office, the privacy center and the API (in a demo workspace, with
    the worker and a mail catcher in the same process)."""
    garant = open_garant(workspace)
    _serve(garant, host or garant.settings.web.host, port or garant.settings.web.port)


def worker(
    workspace: WorkspaceOpt = Path("."),
    once: Annotated[
        bool,
        typer.Option(
            "--once",
            help="Run what is due now, then exit: the schedulers first (the day's sweeps, "
            "seals, reminders), then every due job; with --only, only those jobs.",
        ),
    ] = False,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Run due jobs of this kind only (repeatable, e.g. rights.execute); "
            "nothing is scheduled.",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    transport: Annotated[
        str | None,
        typer.Option(
            help="local: run jobs in this process; celery: publish due jobs to the "
            "broker for `garant celery-worker`s. Default: celery when a broker is set."
        ),
    ] = None,
) -> None:
    """Run due jobs: sweeps, reminders, request execution, mail."""
    from garant.jobs.transport import Dispatcher, broker_configured
    from garant.jobs.worker import run_due, run_forever

    garant = open_garant(workspace, as_of)
    chosen = transport or ("celery" if broker_configured(garant) else "local")
    if chosen not in ("local", "celery"):
        raise InvalidInput(f"--transport {chosen}: choose local or celery")
    if chosen == "celery":
        dispatcher = Dispatcher(garant)
        if once:
            console.print(f"{dispatcher.dispatch()} due job(s) published to the broker")
            return
        console.print("Dispatcher running (due jobs go to Celery workers); Ctrl-C to stop.")
        dispatcher.run_forever()
        return
    if once:
        summary = run_due(garant, kinds=_kinds(garant, only))
        console.print(f"{summary.done} job(s) done, {summary.failed} failed")
        for reason, count in summary.reasons.items():
            err_console.print(f"[red]error:[/red] {reason} ({count} job(s))", highlight=False)
        raise typer.Exit(1 if summary.failed else 0)
    if only:
        raise InvalidInput("--only needs --once: the running worker serves every kind of job")
    console.print("Worker running; Ctrl-C to stop.")
    run_forever(garant)


def _kinds(garant: Garant, only: list[str] | None) -> list[str] | None:
    """The job kinds asked for, each one a registered kind (a typo runs nothing silently)."""
    if not only:
        return None
    known = set(garant.jobs.handlers)
    unknown = [k for k in only if k not in known]
    if unknown:
        raise InvalidInput(
            f"--only {unknown[0]}: no such job kind (known: {', '.join(sorted(known))})"
        )
    return list(only)


def celery_worker(
    workspace: WorkspaceOpt = Path("."),
    pool: Annotated[str, typer.Option(help="Celery pool: prefork, threads or solo.")] = "prefork",
    concurrency: Annotated[int | None, typer.Option(help="Jobs run at once.")] = None,
    loglevel: Annotated[str, typer.Option()] = "INFO",
) -> None:
    """Run a Celery worker that takes this workspace's jobs from the broker."""
    from garant.jobs.celery_app import run_worker

    garant = open_garant(workspace)
    raise typer.Exit(run_worker(garant, pool=pool, concurrency=concurrency, loglevel=loglevel))


@db_app.command("upgrade")
def db_upgrade(workspace: WorkspaceOpt = Path(".")) -> None:
    """Apply every migration."""
    garant = open_garant(workspace, migrate=False)
    garant.store.upgrade()
    console.print(f"[green]Store up to date[/green] ({garant.store.backend})")


@db_app.command("backup")
def db_backup(file: Path, workspace: WorkspaceOpt = Path("."), actor: ActorOpt = "") -> None:
    """Write every record of the store to FILE (encrypted, portable between backends)."""
    from garant.store.backup import backup

    garant = open_garant(workspace)
    counts = backup(garant, file, actor=cli_actor(actor or None))
    console.print(f"[green]Backup written[/green] to {file}: {sum(counts.values())} records")


@db_app.command("restore")
def db_restore(
    file: Path,
    workspace: WorkspaceOpt = Path("."),
    yes: Annotated[bool, typer.Option("--yes", help="Replace the store's content.")] = False,
    actor: ActorOpt = "",
) -> None:
    """Replace the store's content with a backup (checked before anything is removed)."""
    from garant.store.backup import restore

    if not yes:
        typer.confirm("This replaces every record in the store. Continue?", abort=True)
    garant = open_garant(workspace)
    counts = restore(garant, file, actor=cli_actor(actor or None))
    console.print(f"[green]Restored[/green] {sum(counts.values())} records from {file}")


@audit_app.command("verify")
def audit_verify(
    workspace: WorkspaceOpt = Path("."),
    anchor: Annotated[
        Path | None,
        typer.Option("--anchor", help="An anchor kept outside (`garant audit anchor`)."),
    ] = None,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Check every link and MAC, the head, a seal for each day since the first event, and
    with --anchor that nothing the anchor saw was cut; name the first problem."""
    from garant.audit.anchor import read_anchor
    from garant.audit.service import anchor_stamp, verify_chain

    garant = open_garant(workspace, as_of)
    kept = read_anchor(anchor, garant.keys) if anchor is not None else None
    with garant.unit_of_work(read_only=True) as uow:
        result = verify_chain(uow, anchor=kept)
    stamp = anchor_stamp(garant, kept) if kept is not None else None
    ok = result.ok and (stamp is None or stamp.ok)
    if json_out:
        extra = {"anchor": kept.to_dict() if kept else None, "stamp": stamp and vars(stamp)}
        print_json(result.__dict__ | {"ok": ok} | extra)
        raise typer.Exit(0 if ok else 1)
    if stamp is not None:
        console.print(stamp.text, highlight=False)
    if result.ok:
        seen = f"; the anchor of {kept.day} (event {kept.head_seq}) holds" if kept else ""
        console.print(
            f"[green]Chain intact[/green]: {result.events} events, {result.seals} seals{seen}"
        )
    elif result.first_broken is None:
        console.print(f"[red]Chain incomplete[/red]: {result.problem}", highlight=False)
    else:
        console.print(
            f"[red]Chain broken[/red] at event {result.first_broken}: {result.problem}",
            highlight=False,
        )
    raise typer.Exit(0 if ok else 1)


@audit_app.command("seal")
def audit_seal(workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None) -> None:
    """Seal today's head now, and any day missed since the latest seal (the worker seals
    daily)."""
    from garant.audit.service import seal_today

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work() as uow:
        sealed = seal_today(uow)
    if not sealed:
        console.print("Already sealed today.")
    elif len(sealed) == 1:
        console.print(f"Sealed {sealed[0]}.")
    else:
        console.print(f"Sealed {len(sealed)} days, {sealed[0]} to {sealed[-1]} (late seals).")


@audit_app.command("anchor")
def audit_anchor(
    workspace: WorkspaceOpt = Path("."),
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the anchor to FILE (default: print it).")
    ] = None,
    mail: Annotated[bool, typer.Option("--mail", help="Mail it to the DPO too.")] = False,
    to: Annotated[
        str | None, typer.Option("--to", help="Mail it to this address instead of the DPO.")
    ] = None,
    as_of: AsOfOpt = None,
    actor: ActorOpt = "",
) -> None:
    """Export the latest seal as an anchor, to keep outside the store (audited); stamped
    by the RFC 3161 service of [audit] timestamp_url when one is set."""
    from garant.audit.service import current_anchor, share_anchor, stamp_anchor

    garant = open_garant(workspace, as_of)
    with garant.unit_of_work(read_only=True) as uow:
        made = current_anchor(uow)
    made = stamp_anchor(garant, made)  # the time-stamping service, outside any transaction
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        anchor = share_anchor(uow, mail=mail or bool(to), to=to, anchor=made)
    if out is None:
        typer.echo(anchor.text(), nl=False)
        return
    try:
        out.write_text(anchor.text(), encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{out}: cannot write the anchor ({exc.strerror or exc})") from None
    console.print(
        f"Anchor of {anchor.day} (event {anchor.head_seq}) written to {out}"
        + ("; mailed" if mail or to else "")
        + ". Keep it outside Garant; check with `garant audit verify --anchor FILE`."
    )


@audit_app.command("log")
def audit_log(
    workspace: WorkspaceOpt = Path("."),
    limit: Annotated[int, typer.Option()] = 50,
    action: Annotated[str | None, typer.Option(help="Only this action (prefix).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """The latest events of the audit log."""
    from garant.audit.service import recent_events

    garant = open_garant(workspace)
    with garant.unit_of_work() as uow:
        events = recent_events(uow.session, limit=limit, action=action)
    if json_out:
        print_json(events)
        return
    table = Table("seq", "at", "actor", "action", "object")
    for e in events:
        table.add_row(
            str(e["seq"]),
            e["at"],
            e["actor"],
            e["action"],
            f"{e['object_type']}:{e['object_id'] or ''}",
        )
    console.print(table)


@user_app.command("add")
def user_add(
    email: str,
    role: Annotated[
        str, typer.Option(help="dpo|privacy|finance|communications|archivist|auditor|admin")
    ],
    workspace: WorkspaceOpt = Path("."),
    password: Annotated[str | None, typer.Option(envvar="GARANT_NEW_PASSWORD")] = None,
    actor: ActorOpt = "",
) -> None:
    """Add a staff account (the password is asked if not given)."""
    from garant.accounts.service import add_user

    secret = password or getpass.getpass("Password: ")
    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        user = add_user(uow=uow, email=email, role=role, password=secret)
    console.print(f"[green]User added[/green]: {user.email} ({user.role})")


@user_app.command("list")
def user_list(workspace: WorkspaceOpt = Path("."), json_out: JsonOpt = False) -> None:
    from garant.accounts.service import list_users

    garant = open_garant(workspace)
    with garant.unit_of_work() as uow:
        users = [
            {"email": u.email, "role": u.role, "active": u.active} for u in list_users(uow=uow)
        ]
    if json_out:
        print_json(users)
        return
    table = Table("email", "role", "active")
    for u in users:
        table.add_row(str(u["email"]), str(u["role"]), "yes" if u["active"] else "no")
    console.print(table)


@user_app.command("token")
def user_token(
    email: str,
    name: Annotated[str, typer.Option()],
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
) -> None:
    """Issue an API token for a machine acting as EMAIL (shown once)."""
    from garant.accounts.service import issue_token

    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        clear = issue_token(uow=uow, email=email, name=name)
    typer.echo(clear)


@keys_app.command("init")
def keys_init(workspace: WorkspaceOpt = Path(".")) -> None:
    """Create the key file named in garant.toml, if it does not exist."""
    from garant.keys.keyring import generate_keyfile
    from garant.settings import load_settings

    settings = load_settings(workspace.resolve())
    path = workspace.resolve() / settings.keys.file
    if path.exists():
        console.print(f"{path} exists; nothing done")
        return
    generate_keyfile(path)
    console.print(f"[green]Key file created[/green]: {path} (keep it outside the store's backups)")


@keys_app.command("rotate")
def keys_rotate(workspace: WorkspaceOpt = Path(".")) -> None:
    """Add a new current key version; older versions stay to read older data."""
    garant = open_garant(workspace)
    version = garant.keys.rotate()
    with garant.unit_of_work() as uow:
        uow.audit("keys.rotate", "keyring", version)
    console.print(f"[green]Key version {version}[/green] is now current")


@keys_app.command("retire")
def keys_retire(version: int, workspace: WorkspaceOpt = Path(".")) -> None:
    """Remove an old key version, refused while data made with it still lives."""
    garant = open_garant(workspace)
    in_use: dict[str, int] = {}
    for probe in garant.key_usage_probes:
        in_use.update(probe(garant, version))
    garant.keys.retire(version, in_use)
    with garant.unit_of_work() as uow:
        uow.audit("keys.retire", "keyring", version)
    console.print(f"Key version {version} retired")


@mail_app.command("test")
def mail_test(
    to: str, workspace: WorkspaceOpt = Path("."), lang: Annotated[str, typer.Option()] = "en"
) -> None:
    """Queue a test message and send it now."""
    from garant.jobs.worker import run_due
    from garant.mail.service import queue_mail

    garant = open_garant(workspace)
    with garant.unit_of_work() as uow:
        queue_mail(
            uow=uow,
            to=to,
            template="test",
            lang=lang,
            key=f"test:{uow.now().isoformat()}",
            context={"organization": garant.policy.controller.name},
        )
    summary = run_due(garant)
    for reason in summary.reasons:
        err_console.print(f"[red]error:[/red] {reason}", highlight=False)
    console.print(f"{summary.done} job(s) done, {summary.failed} failed")
    raise typer.Exit(1 if summary.failed else 0)


@mail_app.command("list")
def mail_list(
    workspace: WorkspaceOpt = Path("."),
    to: Annotated[
        str | None, typer.Option("--to", help="Only the mail sent to this address.")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
    json_out: JsonOpt = False,
    actor: ActorOpt = "",
) -> None:
    """The mail Garant sent or will send, newest first."""
    from garant.mail.viewer import list_messages

    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor)) as uow:
        rows, total = list_messages(uow=uow, recipient=to, limit=limit)
    if json_out:
        print_json({"total": total, "messages": [vars(row) for row in rows]})
        return
    table = Table("id", "to", "subject", "status", "queued")
    for row in rows:
        table.add_row(
            str(row.id),
            row.recipient or "",
            row.subject,
            row.status,
            f"{row.created_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)
    console.print(f"{len(rows)} of {total} message(s); `garant mail show ID` to read one")


@mail_app.command("show")
def mail_show(
    message_id: Annotated[int, typer.Argument(help="The message's id (see `garant mail list`).")],
    workspace: WorkspaceOpt = Path("."),
    json_out: JsonOpt = False,
    actor: ActorOpt = "",
) -> None:
    """One message as it was sent: headers and text (the reading is audited)."""
    from garant.mail.viewer import read_message

    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor)) as uow:
        message = read_message(uow=uow, message_id=message_id)
    head = message.summary
    if json_out:
        print_json(vars(head) | {"body_text": message.body_text, "headers": message.headers})
        return
    typer.echo(f"To: {head.recipient or '(erased)'}")
    typer.echo(f"Subject: {head.subject}")
    typer.echo(f"Status: {head.status}  queued {head.created_at:%Y-%m-%d %H:%M} UTC")
    for name, value in message.headers.items():
        typer.echo(f"{name}: {value}")
    typer.echo("")
    typer.echo(message.body_text)
