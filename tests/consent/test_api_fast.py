"""The check's lean HTTP path (``garant.web.fastcheck``) answers exactly as the route does,
leaves every other case to the route, and honours withdrawals and revocations in time."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from garant.accounts.models import ApiToken
from garant.accounts.service import add_user, deactivate, issue_token, revoke_token
from garant.app import Garant
from garant.clock import SystemClock
from garant.consent import service
from garant.consent.check import POLL_SECONDS
from garant.web import fastcheck
from garant.web.app import create_app
from tests.conftest import REPO, free_port, write_workspace
from tests.consent.policy import POLICY

PASSWORD = "a long password!"
CHECK = "/api/consent/check"
HEADERS = ("content-type", "x-content-type-options", "referrer-policy", "x-frame-options")


def _live(garant: Garant) -> Garant:
    """The system clock: the check's cache (and so the lean path) is on."""
    garant.clock = SystemClock()
    return garant


def _apps(garant: Garant) -> tuple[Any, Any]:
    fast = create_app(garant)
    full = create_app(garant)
    full.user_middleware = [
        m for m in full.user_middleware if m.cls is not fastcheck.ConsentCheckFastPath
    ]
    return fast, full


def _user(garant: Garant, role: str) -> tuple[str, str]:
    email = f"{role}@example.org"
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=email, role=role, password=PASSWORD)
        return email, issue_token(uow=uow, email=email, name="test")


def _login(client: TestClient, email: str) -> None:
    page = client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    form = {"csrf_token": found.group(1), "email": email, "password": PASSWORD, "next": "/admin"}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bodies the lean path answered itself."""
    bodies: list[bytes] = []
    respond = fastcheck._respond

    async def spy(send: Any, body: bytes) -> None:
        bodies.append(body)
        await respond(send, body)

    monkeypatch.setattr(fastcheck, "_respond", spy)
    return bodies


def _same(fast: TestClient, full: TestClient, params: dict[str, str]) -> httpx.Response:
    one, other = fast.get(CHECK, params=params), full.get(CHECK, params=params)
    assert (one.status_code, one.content) == (other.status_code, other.content), params
    for name in HEADERS:
        assert one.headers.get(name) == other.headers.get(name), name
    assert "set-cookie" not in one.headers and "set-cookie" not in other.headers
    return one


def test_af_d7_lean_path_answers_as_the_route(cg: Garant, answered: list[bytes]) -> None:
    """AF-D7, AF-P2: the same status, body and headers, with a session and with a token."""
    garant = _live(cg)
    email, token = _user(garant, "communications")
    with garant.unit_of_work() as uow:
        for who, purpose, given in (("a", "newsletter", True), ("b", "newsletter", False)):
            service.record(
                uow=uow,
                identity=("email", f"{who}@x.org"),
                purpose=purpose,
                given=given,
                source="form",
            )
    asks = [
        {"purpose": "newsletter", "value": "a@x.org"},
        {"purpose": "newsletter", "value": "b@x.org"},
        {"purpose": "newsletter", "value": "c@x.org", "kind": "email"},
        {"purpose": "registration", "value": "a@x.org"},
        {"purpose": "member_area", "value": "a@x.org", "collected_for": "registration"},
        {"purpose": "partners", "value": "a@x.org", "collected_for": "registration"},
        {"purpose": "newsletter", "value": "Élodie@x.org"},
    ]
    fast_app, full_app = _apps(garant)
    for auth in ("token", "session"):
        fast, full = TestClient(fast_app), TestClient(full_app)
        if auth == "token":
            for client in (fast, full):
                client.headers["Authorization"] = f"Bearer {token}"
        else:
            _login(fast, email)
            _login(full, email)
        for params in asks * 2:  # the second time from the cache
            assert _same(fast, full, params).status_code == 200
    assert len(answered) == 4 * len(asks)


def test_lean_path_leaves_everything_else_to_the_route(sg: Garant, answered: list[bytes]) -> None:
    """No or bad credentials, a role that may not, bad input, other parameters."""
    garant = _live(sg)
    _, token = _user(garant, "communications")
    finance_email, finance_token = _user(garant, "finance")
    fast_app, full_app = _apps(garant)
    anonymous = (TestClient(fast_app), TestClient(full_app))
    ok = {"purpose": "newsletter", "value": "a@x.org"}
    assert _same(*anonymous, ok).status_code == 401
    for client in anonymous:
        client.headers["Authorization"] = "Bearer gt_forged"
    assert _same(*anonymous, ok).status_code == 403
    finance = (TestClient(fast_app), TestClient(full_app))
    for client in finance:
        client.headers["Authorization"] = f"Bearer {finance_token}"
    assert _same(*finance, ok).status_code == 403
    finance_session = (TestClient(fast_app), TestClient(full_app))
    for client in finance_session:
        _login(client, finance_email)
    assert _same(*finance_session, ok).status_code == 403
    pair = (TestClient(fast_app), TestClient(full_app))
    for client in pair:
        client.headers["Authorization"] = f"Bearer {token}"
    assert _same(*pair, {"purpose": "nope", "value": "a@x.org"}).status_code == 422
    assert _same(*pair, {"purpose": "newsletter", "value": "not an address"}).status_code == 422
    assert _same(*pair, {"purpose": "newsletter"}).status_code == 422
    assert answered == []
    with_lang = pair[0].get(CHECK, params={**ok, "lang": "en"})
    assert with_lang.status_code == 200 and "garant_lang" in with_lang.headers["set-cookie"]
    assert answered == []


def test_revoked_token_and_deactivated_user_refused_within_the_poll(
    sg: Garant, answered: list[bytes]
) -> None:
    """A token trusted from memory stops working once the store says it is revoked."""
    garant = _live(sg)
    email, token = _user(garant, "communications")
    client = TestClient(create_app(garant))
    client.headers["Authorization"] = f"Bearer {token}"
    ok = {"purpose": "newsletter", "value": "a@x.org"}
    assert client.get(CHECK, params=ok).status_code == 200
    with garant.unit_of_work() as uow:
        noted = uow.session.get(ApiToken, 1)
        assert noted is not None and noted.last_used_at is not None  # the use is noted
    assert client.get(CHECK, params=ok).status_code == 200
    with garant.unit_of_work() as uow:
        revoke_token(uow=uow, token_id=1)
    time.sleep(POLL_SECONDS + 0.05)
    assert client.get(CHECK, params=ok).status_code == 403
    _, second = _user(garant, "privacy")
    client.headers["Authorization"] = f"Bearer {second}"
    assert client.get(CHECK, params=ok).status_code == 200
    with garant.unit_of_work() as uow:
        deactivate(uow=uow, email="privacy@example.org")
    time.sleep(POLL_SECONDS + 0.05)
    assert client.get(CHECK, params=ok).status_code == 403
    assert len(answered) >= 2


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_af_d7_http_check_in_another_process_refuses_within_one_second(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest, make_garant: Callable[..., Garant]
) -> None:
    """AF-D7: a server process answers from its cache; a withdrawal made in this process
    is refused by that server's lean path within one second."""
    root = write_workspace(tmp_path / "ws", policy=POLICY)
    url = (
        f"sqlite:///{tmp_path / 'shared.db'}"
        if backend == "sqlite"
        else str(request.getfixturevalue("pg_url"))
    )
    garant = Garant.open(root, database_url=url)
    try:
        _, token = _user(garant, "communications")
        anne = ("email", "anne@example.org")
        with garant.unit_of_work() as uow:
            service.record(uow=uow, identity=anne, purpose="newsletter", given=True, source="form")
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("serve_app.py")),
                str(root),
                url,
                str(port),
            ],
            cwd=REPO,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"})
            params = {"purpose": "newsletter", "value": anne[1]}
            deadline = time.monotonic() + 30
            while True:
                try:
                    first = http.get(CHECK, params=params)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.1)
            assert first.json()["allowed"] is True
            assert http.get(CHECK, params=params).json()["allowed"] is True  # cached
            with garant.unit_of_work() as uow:
                service.record(
                    uow=uow, identity=anne, purpose="newsletter", given=False, source="api"
                )
            committed = time.monotonic()
            while http.get(CHECK, params=params).json()["allowed"]:
                assert time.monotonic() - committed < 1.0, "still allowed after one second"
                time.sleep(0.01)
            http.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        garant.close()
