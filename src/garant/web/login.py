"""Staff sign-in and sign-out: a session row per login, ended at sign-out.

Each attempt is counted in the store per account and per client address before it is
checked (``garant.accounts.throttling``): over the limit, a 429 with ``Retry-After``.
Every refusal is audited in a transaction of its own. With a second factor the password
opens no session yet: the cookie remembers who passed it for five minutes, and the code
(or, when it is required and missing, the enrolment) opens the session.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from garant.accounts import throttling, totp
from garant.accounts.models import StaffUser
from garant.accounts.service import LoginRefused, authenticate, note_login, note_login_failure
from garant.accounts.sessions import end_session, open_session
from garant.app import Garant
from garant.errors import GarantError
from garant.i18n import gettext as _
from garant.store.uow import Actor, UnitOfWork
from garant.throttle.rules import Verdict
from garant.web.deps import GarantDep, csrf_protect, current_actor, session_limits
from garant.web.templating import render

router = APIRouter(include_in_schema=False)
LOGIN_ACTOR = Actor("web", "login")
PENDING_SECONDS = 300


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/admin"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


def start_session(request: Request, garant: Garant, uow: UnitOfWork, user: StaffUser) -> None:
    """A fresh cookie session holding the new row's id: nothing kept from before (no
    fixation), a new CSRF token on the next page."""
    clear = open_session(uow=uow, user=user, limits=session_limits(garant))
    note_login(uow=uow, user=user)
    request.session.clear()
    request.session["sid"] = clear


def _audit_refusal(garant: Garant, user_id: int | None, reason: str) -> None:
    with garant.unit_of_work(LOGIN_ACTOR) as uow:
        note_login_failure(uow=uow, refused=LoginRefused(user_id), reason=reason)


def _throttled(request: Request, template: str, verdict: Verdict, **context: object) -> Response:
    minutes = max(1, -(-verdict.retry_after // 60))
    message = _("Too many attempts. Try again in {minutes} min.").format(minutes=minutes)
    response = render(request, template, {**context, "error": message}, status_code=429)
    response.headers["Retry-After"] = str(verdict.retry_after)
    return response


@router.post("/login", dependencies=[Depends(csrf_protect)])
def login(
    request: Request,
    garant: GarantDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=4096)],
    next: Annotated[str, Form(max_length=2000)] = "/admin",
) -> Response:
    target = _safe_next(next)
    verdict = throttling.count_attempt(garant, email=email, client=_client(request))
    if not verdict.allowed:
        _audit_refusal(garant, None, "throttled")
        return _throttled(request, "login.html", verdict, next=target)
    try:
        with garant.unit_of_work(LOGIN_ACTOR) as uow:
            user = authenticate(uow=uow, email=email, password=password)
            second = user.totp_enabled_at is not None or totp.required(garant.settings, user.role)
            if not second:
                start_session(request, garant, uow, user)
            user_id, address = user.id, user.email
    except LoginRefused as refused:
        _audit_refusal(garant, refused.user_id, "password")
        return render(
            request,
            "login.html",
            {"next": target, "error": _("Wrong email or password.")},
            status_code=401,
        )
    if second:  # the account's count is cleared only once the code is right too
        request.session.clear()
        request.session["pending"] = {
            "user": user_id,
            "next": target,
            "until": garant.clock.now().timestamp() + PENDING_SECONDS,
        }
        return RedirectResponse("/login/code", status_code=303)
    throttling.succeeded(garant, email=address, client=_client(request))
    return RedirectResponse(target, status_code=303)


def _pending(request: Request, garant: Garant) -> tuple[dict[str, object], StaffUser] | None:
    pending = request.session.get("pending")
    now = garant.clock.now().timestamp()
    if not isinstance(pending, dict) or float(pending.get("until", 0)) < now:
        return None
    with garant.unit_of_work(read_only=True) as uow:
        user = uow.session.get(StaffUser, pending.get("user"))
        if user is None or not user.active:
            return None
        uow.session.expunge(user)
    return pending, user


def _code_page(
    request: Request, garant: Garant, user: StaffUser, error: str | None, status: int = 200
) -> Response:
    """The code form; when the factor is required and missing, the enrolment first: the
    secret is made once, kept in the signed cookie until confirmed, shown as text."""
    context: dict[str, object] = {"error": error, "enrol": user.totp_enabled_at is None}
    if context["enrol"]:
        secret = request.session.get("totp_secret")
        if not isinstance(secret, str):
            secret = request.session["totp_secret"] = totp.new_secret()
        context["secret"] = secret
        context["uri"] = totp.provisioning_uri(
            secret, user.email, garant.policy.controller.name or "Garant"
        )
    return render(request, "login_code.html", context, status_code=status)


@router.get("/login/code")
def code_page(request: Request, garant: GarantDep) -> Response:
    found = _pending(request, garant)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    return _code_page(request, garant, found[1], None)


@router.post("/login/code", dependencies=[Depends(csrf_protect)])
def code(
    request: Request, garant: GarantDep, code: Annotated[str, Form(max_length=20)]
) -> Response:
    found = _pending(request, garant)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    pending, user = found
    verdict = throttling.count_code_attempt(garant, email=user.email)
    if not verdict.allowed:
        _audit_refusal(garant, user.id, "throttled")
        return _throttled(request, "login_code.html", verdict, enrol=False)
    try:
        with garant.unit_of_work(LOGIN_ACTOR) as uow:
            row = uow.session.get(StaffUser, user.id)
            assert row is not None
            if row.totp_enabled_at is None:
                secret = str(request.session.get("totp_secret", ""))
                totp.enrol(uow=uow, user=row, secret=secret, code=code)
            elif not totp.verify(uow=uow, user=row, code=code):
                raise LoginRefused(row.id)
            start_session(request, garant, uow, row)
    except (LoginRefused, GarantError):
        _audit_refusal(garant, user.id, "code")
        return _code_page(request, garant, user, _("Wrong code."), status=401)
    throttling.succeeded(garant, email=user.email, client=_client(request))
    return RedirectResponse(_safe_next(str(pending.get("next"))), status_code=303)


@router.post("/logout", dependencies=[Depends(csrf_protect)])
def logout(request: Request, garant: GarantDep) -> Response:
    clear = request.session.get("sid")
    if isinstance(clear, str):
        actor = current_actor(request, garant) or LOGIN_ACTOR  # the audit names who left
        with garant.unit_of_work(actor) as uow:
            end_session(uow=uow, clear=clear)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
