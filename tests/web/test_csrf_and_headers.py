"""Issue 16: CSRF on every state-changing route a session cookie can reach, found by
walking every route of the app; a 'self'-only Content-Security-Policy and the usual
security headers on every response."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from garant.accounts.roles import GRANTS, Role
from garant.app import Garant
from garant.web.app import create_app
from garant.web.deps import csrf_protect
from tests.web.conftest import login
from tests.web.routes import all_routes
from tests.web.test_roles import _concrete, _is_public, _routes

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
NO_SESSION = {
    "/api/public/rights/requests": "a person's request over JSON; reads no cookie",
    "/api/public/rights/requests/verify": "the person's code is the proof; reads no cookie",
    "/api/public/rights/requests/code": "sends a code to the address given; reads no cookie",
    "/unsubscribe/{token}": "RFC 8058 one-click: the signed token in the URL is the proof",
    "/cookies/choice": "the banner posts from the organization's own sites; reads no cookie",
}
"""Public routes that change state without a CSRF token: none acts on a session."""


def _depends_on(dependant: object, call: object) -> bool:
    return any(
        dep.call is call or _depends_on(dep, call) for dep in getattr(dependant, "dependencies", [])
    )


def test_every_state_changing_route_refuses_a_session_without_its_csrf_token(
    staffed: Garant,
) -> None:
    """Each private route is posted to with a session of a role granted it: without the
    token, 403; with it, no CSRF refusal. Each public one carries the check or a reason."""
    app = create_app(staffed)
    checked, wrong = 0, []
    private = [
        (next(r for r in Role if perms <= GRANTS[r]), method, path)
        for method, path, perms in _routes(staffed)
        if method in UNSAFE and not _is_public(path)
    ]
    with TestClient(app, raise_server_exceptions=False) as client:
        signed_in: Role | None = None
        for role, method, path in sorted(private):
            if role != signed_in:
                client.cookies.clear()
                login(client, role)
                signed_in = role
            bare = client.request(method, _concrete(path), json={}, follow_redirects=False)
            if bare.status_code != 403 or "CSRF" not in bare.text:
                wrong.append(f"{method} {path}: {bare.status_code} without the token")
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
            assert token is not None
            sent = client.request(
                method,
                _concrete(path),
                json={},
                headers={"X-CSRF-Token": token.group(1)},
                follow_redirects=False,
            )
            if "CSRF" in sent.text:
                wrong.append(f"{method} {path}: refused with the right token")
            checked += 1
    assert wrong == [] and checked > 60
    public = [
        (method, route)
        for route in all_routes(app)
        for method in getattr(route, "methods", None) or ()
        if method in UNSAFE and _is_public(route.path)
    ]
    assert len(public) >= len(NO_SESSION)
    for method, route in public:
        path = route.path
        guarded = _depends_on(route.dependant, csrf_protect)
        assert guarded or path in NO_SESSION, f"{method} {path}: no CSRF check and no reason"
        assert not (guarded and path in NO_SESSION), f"{path}: guarded now, drop the reason"


HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def _check_headers(response: object, where: str) -> list[str]:
    headers = response.headers  # type: ignore[attr-defined]
    problems = [f"{where}: {name}" for name, value in HEADERS.items() if headers.get(name) != value]
    csp = headers.get("content-security-policy", "")
    for part in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"):
        if part not in csp:
            problems.append(f"{where}: CSP without {part}")
    script = next((p for p in csp.split(";") if p.strip().startswith("script-src")), "")
    if "http" in csp or "*" in csp or "unsafe-inline" in script or "unsafe-eval" in script:
        problems.append(f"{where}: CSP allows another host or inline script: {csp}")
    if "camera=()" not in headers.get("permissions-policy", ""):
        problems.append(f"{where}: no Permissions-Policy")
    return problems


def test_every_page_carries_the_csp_and_the_security_headers(staffed: Garant) -> None:
    """Every GET route, public and private (signed in as a DPO and as an admin), its
    errors and redirects, the static files and the API docs."""
    app = create_app(staffed)
    problems: list[str] = []
    seen = 0
    with TestClient(app, raise_server_exceptions=False) as client:
        for role in (None, Role.DPO, Role.ADMIN):
            if role is not None:
                login(client, role)
            for method, path, _perms in _routes(staffed):
                if method != "GET":
                    continue
                response = client.get(_concrete(path), follow_redirects=False)
                problems += _check_headers(response, f"{role} GET {path} {response.status_code}")
                seen += 1
        for path in ("/static/garant.css", "/api/docs", "/api/redoc", "/nowhere", "/login"):
            problems += _check_headers(client.get(path), path)
    assert problems == [] and seen > 100


def test_each_response_has_its_own_nonce(client: TestClient) -> None:
    first = client.get("/login").headers["content-security-policy"]
    second = client.get("/login").headers["content-security-policy"]
    nonce = re.compile(r"'nonce-([^']+)'")
    one, two = nonce.search(first), nonce.search(second)
    assert one and two and one.group(1) != two.group(1)
