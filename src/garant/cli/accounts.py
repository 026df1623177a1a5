"""Account lifecycle commands on ``garant user`` (add, list and token are in ``platform``):
deactivate, activate, role, password, tokens, revoke-token, totp-reset. Each is audited
and takes effect at the next request of every server process."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer
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
from garant.cli.platform import user_app
from garant.errors import InvalidInput


def register(app: typer.Typer) -> None:
    """``garant user``: platform's group (add, list, token) with this module's commands."""
    app.add_typer(user_app, name="user")


@user_app.command("deactivate")
def user_deactivate(email: str, workspace: WorkspaceOpt = Path("."), actor: ActorOpt = "") -> None:
    """Stop an account: its sessions end now, its API tokens are refused."""
    from garant.accounts.service import deactivate

    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        user = deactivate(uow=uow, email=email)
    console.print(f"[green]Deactivated[/green]: {user.email} (sessions ended, tokens refused)")


@user_app.command("activate")
def user_activate(email: str, workspace: WorkspaceOpt = Path("."), actor: ActorOpt = "") -> None:
    """Let a deactivated account sign in again (its tokens work again)."""
    from garant.accounts.service import activate

    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        user = activate(uow=uow, email=email)
    console.print(f"[green]Activated[/green]: {user.email}")


@user_app.command("role")
def user_role(
    email: str,
    role: Annotated[
        str, typer.Argument(help="dpo|privacy|finance|communications|archivist|auditor|admin")
    ],
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
) -> None:
    """Give an account another role; its open sessions end."""
    from garant.accounts.service import set_role

    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        user = set_role(uow=uow, email=email, role=role)
    console.print(f"[green]Role changed[/green]: {user.email} is now {user.role} (sessions ended)")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise InvalidInput("no password on standard input")
        return value
    first = getpass.getpass("New password: ")
    if getpass.getpass("Again: ") != first:
        raise InvalidInput("the two passwords differ; nothing changed")
    return first


@user_app.command("password")
def user_password(
    email: str,
    workspace: WorkspaceOpt = Path("."),
    stdin: Annotated[
        bool, typer.Option("--stdin", help="Read the new password from standard input.")
    ] = False,
    actor: ActorOpt = "",
) -> None:
    """Set a new password (asked twice, or one line from stdin); open sessions end."""
    from garant.accounts.service import set_password

    secret = _read_password(stdin)
    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        user = set_password(uow=uow, email=email, password=secret)
    console.print(f"[green]Password changed[/green]: {user.email} (sessions ended)")


@user_app.command("tokens")
def user_tokens(email: str, workspace: WorkspaceOpt = Path("."), json_out: JsonOpt = False) -> None:
    """An account's API tokens: id, name, created, last used, revoked."""
    from garant.accounts.service import list_tokens

    garant = open_garant(workspace)
    with garant.unit_of_work(read_only=True) as uow:
        rows = [
            {
                "id": t.id,
                "name": t.name,
                "created_at": t.created_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in list_tokens(uow=uow, email=email)
        ]
    if json_out:
        print_json(rows)
        return
    table = Table("id", "name", "created", "last used", "revoked")
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["name"]),
            str(r["created_at"]),
            str(r["last_used_at"] or ""),
            str(r["revoked_at"] or ""),
        )
    console.print(table)


@user_app.command("revoke-token")
def user_revoke_token(
    token_id: Annotated[int, typer.Argument(help="The id `garant user tokens` shows.")],
    workspace: WorkspaceOpt = Path("."),
    actor: ActorOpt = "",
) -> None:
    """Revoke an API token: refused from its next request on."""
    from garant.accounts.service import revoke_token

    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        token = revoke_token(uow=uow, token_id=token_id)
    console.print(f"[green]Token revoked[/green]: {token.id} ({token.name})")


@user_app.command("totp-reset")
def user_totp_reset(email: str, workspace: WorkspaceOpt = Path("."), actor: ActorOpt = "") -> None:
    """Remove an account's second factor (a lost phone); its sessions end. It enrols again
    at its next sign-in when its role requires one."""
    from garant.accounts import totp
    from garant.accounts.service import get_user

    garant = open_garant(workspace)
    with garant.unit_of_work(cli_actor(actor or None)) as uow:
        user = get_user(uow=uow, email=email)
        totp.reset(uow=uow, user=user)
    console.print(f"[green]Second factor removed[/green]: {user.email} (sessions ended)")
