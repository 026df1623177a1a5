"""Staff accounts in the back office (administrator role): the list, and per account
deactivate, activate, change the role or the password, revoke an API token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from garant.accounts import service
from garant.accounts.roles import Permission, Role
from garant.errors import Conflict, GarantError
from garant.i18n import gettext as _
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires
from garant.web.templating import render

router = APIRouter(prefix="/users", include_in_schema=False)

Admin = Annotated[Actor, Depends(Requires(Permission.USERS_MANAGE))]
Email = Annotated[str, Form(max_length=320)]


def _page(
    request: Request, garant: GarantDep, actor: Actor, status: int = 200, **context: object
) -> Response:
    with garant.unit_of_work(actor, read_only=True) as uow:
        users = service.list_users(uow=uow)
        tokens = service.tokens_by_user(uow=uow)
    return render(
        request,
        "admin/users.html",
        {"users": users, "tokens": tokens, "roles": list(Role), **context},
        status_code=status,
    )


@router.get("")
def users_page(request: Request, garant: GarantDep, actor: Admin) -> Response:
    done = request.query_params.get("done")
    return _page(request, garant, actor, done=done)


def _not_self(actor: Actor, email: str) -> None:
    """An administrator cannot lock themselves out from the web (the CLI can still act)."""
    if email.strip().lower() == actor.id.lower():
        raise Conflict(_("You cannot change your own account here."))


def _act(request: Request, garant: GarantDep, actor: Actor, action: str, **kw: str) -> Response:
    try:
        with garant.unit_of_work(actor) as uow:
            if action == "deactivate":
                _not_self(actor, kw["email"])
                service.deactivate(uow=uow, email=kw["email"])
            elif action == "activate":
                service.activate(uow=uow, email=kw["email"])
            elif action == "role":
                _not_self(actor, kw["email"])
                service.set_role(uow=uow, email=kw["email"], role=kw["role"])
            elif action == "password":
                service.set_password(uow=uow, email=kw["email"], password=kw["password"])
            else:
                service.revoke_token(uow=uow, token_id=int(kw["token_id"]))
    except GarantError as exc:
        return _page(request, garant, actor, exc.http_status, error=exc.message)
    return RedirectResponse(f"/admin/users?done={action}", status_code=303)


@router.post("/deactivate")
def deactivate(request: Request, garant: GarantDep, actor: Admin, email: Email) -> Response:
    return _act(request, garant, actor, "deactivate", email=email)


@router.post("/activate")
def activate(request: Request, garant: GarantDep, actor: Admin, email: Email) -> Response:
    return _act(request, garant, actor, "activate", email=email)


@router.post("/role")
def change_role(
    request: Request,
    garant: GarantDep,
    actor: Admin,
    email: Email,
    role: Annotated[str, Form(max_length=30)],
) -> Response:
    return _act(request, garant, actor, "role", email=email, role=role)


@router.post("/password")
def change_password(
    request: Request,
    garant: GarantDep,
    actor: Admin,
    email: Email,
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    return _act(request, garant, actor, "password", email=email, password=password)


@router.post("/revoke-token")
def revoke_token(
    request: Request,
    garant: GarantDep,
    actor: Admin,
    token_id: Annotated[int, Form(ge=1, le=2**63 - 1)],
) -> Response:
    return _act(request, garant, actor, "revoke-token", token_id=str(token_id))
