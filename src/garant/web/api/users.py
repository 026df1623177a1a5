"""Staff accounts over the API (administrator role): list, deactivate, activate, change a
role or a password, list and revoke API tokens. Each change is audited and ends the
account's sessions where it must (``garant.accounts.service``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from garant.accounts import service
from garant.accounts.models import StaffUser
from garant.accounts.roles import Permission, Role
from garant.accounts.schemas import PasswordChange, RoleChange, TokenRead, UserRead
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires

router = APIRouter(prefix="/api/users", tags=["users"])

Admin = Annotated[Actor, Depends(Requires(Permission.USERS_MANAGE))]
Email = Annotated[str, Path(max_length=320, description="The account's email address.")]
TokenId = Annotated[int, Path(ge=1, le=2**63 - 1)]
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such account or token."},
    409: {"description": "The account or token is already in that state."},
}


def user_read(user: StaffUser) -> UserRead:
    return UserRead(
        email=user.email,
        role=Role(user.role),
        active=user.active,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        second_factor=user.totp_enabled_at is not None,
    )


@router.get("")
def list_users(garant: GarantDep, actor: Admin) -> list[UserRead]:
    with garant.unit_of_work(actor, read_only=True) as uow:
        return [user_read(u) for u in service.list_users(uow=uow)]


@router.post("/{email}/deactivate", responses=ERRORS)
def deactivate(email: Email, garant: GarantDep, actor: Admin) -> UserRead:
    """Its sessions end and its tokens are refused from the next request on."""
    with garant.unit_of_work(actor) as uow:
        return user_read(service.deactivate(uow=uow, email=email))


@router.post("/{email}/activate", responses=ERRORS)
def activate(email: Email, garant: GarantDep, actor: Admin) -> UserRead:
    with garant.unit_of_work(actor) as uow:
        return user_read(service.activate(uow=uow, email=email))


@router.put("/{email}/role", responses=ERRORS)
def change_role(email: Email, body: RoleChange, garant: GarantDep, actor: Admin) -> UserRead:
    """The account's open sessions end: it signs in again under its new role."""
    with garant.unit_of_work(actor) as uow:
        return user_read(service.set_role(uow=uow, email=email, role=body.role.value))


@router.put("/{email}/password", responses=ERRORS)
def change_password(
    email: Email, body: PasswordChange, garant: GarantDep, actor: Admin
) -> UserRead:
    """The account's open sessions end."""
    with garant.unit_of_work(actor) as uow:
        return user_read(service.set_password(uow=uow, email=email, password=body.password))


@router.get("/{email}/tokens", responses=ERRORS)
def tokens(email: Email, garant: GarantDep, actor: Admin) -> list[TokenRead]:
    with garant.unit_of_work(actor, read_only=True) as uow:
        return [TokenRead.model_validate(t) for t in service.list_tokens(uow=uow, email=email)]


@router.post("/tokens/{token_id}/revoke", responses=ERRORS)
def revoke(token_id: TokenId, garant: GarantDep, actor: Admin) -> TokenRead:
    """Refused from its next request on."""
    with garant.unit_of_work(actor) as uow:
        return TokenRead.model_validate(service.revoke_token(uow=uow, token_id=token_id))
