"""DEF-S2, DEF-SEC1: every route walked with every role; none reaches what it must not."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from garant.accounts.roles import GRANTS, Permission, Role
from garant.app import Garant
from garant.web.app import create_app
from garant.web.deps import PUBLIC_PREFIXES, Requires
from tests.web.conftest import login
from tests.web.routes import all_routes


def _permissions(dependant: object) -> set[Permission]:
    found: set[Permission] = set()
    for dep in getattr(dependant, "dependencies", []):
        if isinstance(dep.call, Requires):
            found.add(dep.call.permission)
        found |= _permissions(dep)
    return found


def _routes(garant: Garant) -> Iterator[tuple[str, str, set[Permission]]]:
    app = create_app(garant)
    for route in all_routes(app):
        if getattr(route, "methods", None) is None:
            continue  # a mount (static files, the API docs' assets)
        dependant = getattr(route, "dependant", None)
        for method in sorted(route.methods or []):
            if method == "HEAD":
                continue
            yield method, route.path, _permissions(dependant) if dependant else set()


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


def test_def_s2_every_private_route_declares_the_permission_it_needs(staffed: Garant) -> None:
    assert len(list(_routes(staffed))) > 150  # the walk sees the routers' routes
    missing = [f"{m} {p}" for m, p, perms in _routes(staffed) if not _is_public(p) and not perms]
    assert missing == [], f"routes without Requires(...): {missing}"


def _call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return client.request(
        method, _concrete(path), headers=headers, json=body, follow_redirects=False
    ).status_code


@pytest.mark.parametrize("role", list(Role))
def test_def_sec1_each_role_reaches_exactly_what_it_is_granted(
    staffed: Garant, tokens: dict[Role, str], role: Role
) -> None:
    """API routes with the role's token, back-office pages with its session."""
    app = create_app(staffed)
    with TestClient(app, raise_server_exceptions=False) as client:
        csrf = login(client, role)
        wrong: list[str] = []
        for method, path, perms in _routes(staffed):
            if _is_public(path) or not perms:
                continue
            headers = {"X-CSRF-Token": csrf}
            if path.startswith("/api/"):
                headers["Authorization"] = f"Bearer {tokens[role]}"
            status = _call(client, method, path, headers)
            allowed = perms <= GRANTS[role]
            if allowed and status in (401, 403):
                wrong.append(f"{method} {path}: refused ({status}) but granted")
            if not allowed and status != 403:
                wrong.append(f"{method} {path}: {status} but not granted")
        assert wrong == []


def test_without_login_the_back_office_sends_to_login_and_the_api_says_401(
    staffed: Garant,
) -> None:
    with TestClient(create_app(staffed), raise_server_exceptions=False) as client:
        for method, path, perms in _routes(staffed):
            if _is_public(path) or not perms:
                continue
            status = _call(client, method, path, {})
            if path.startswith("/api/"):
                assert status == 401, f"{method} {path}"
            else:
                assert status in (303, 403), f"{method} {path}: {status}"
