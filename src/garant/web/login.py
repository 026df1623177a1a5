"""Staff login and logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from garant.accounts.service import authenticate
from garant.errors import PermissionDenied
from garant.i18n import gettext as _
from garant.store.uow import Actor
from garant.web.deps import GarantDep, csrf_protect
from garant.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/admin"


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", dependencies=[Depends(csrf_protect)])
def login(
    request: Request,
    garant: GarantDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/admin",
) -> Response:
    try:
        with garant.unit_of_work(Actor("web", "login")) as uow:
            user = authenticate(uow=uow, email=email, password=password)
            staff = {"email": user.email, "role": user.role}
    except PermissionDenied:
        return render(
            request,
            "login.html",
            {"next": _safe_next(next), "error": _("Wrong email or password.")},
            status_code=401,
        )
    request.session.clear()  # a new session at login: no fixation
    request.session["staff"] = staff
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(csrf_protect)])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
