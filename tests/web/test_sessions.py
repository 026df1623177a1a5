"""Issue 16: a session is a row in the store, read with its user on every request, so
that sign-out, deactivation, a role change, a password change or a revoked token is
refused at once by ANOTHER server process (real uvicorn processes on one store)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import itsdangerous
import pytest

from garant.accounts.service import add_user, issue_token
from garant.app import Garant
from tests.conftest import write_workspace
from tests.web.servers import clients, csrf, server_processes, sign_in

PASSWORD = "correct horse battery"
DPO = "dpo@staff.example"
ADMIN = "admin@staff.example"


@pytest.fixture
def http() -> Iterator[Callable[..., httpx.Client]]:
    with clients() as make:
        yield make


@pytest.fixture(params=["sqlite", "postgres"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Garant, str]]:
    """A workspace whose store the test and the server processes share."""
    url = (
        f"sqlite:///{tmp_path / 'shared.db'}"
        if request.param == "sqlite"
        else str(request.getfixturevalue("pg_url"))
    )
    root = write_workspace(tmp_path / "ws")
    garant = Garant.open(root, database_url=url)
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=DPO, role="dpo", password=PASSWORD)
        add_user(uow=uow, email=ADMIN, role="admin", password=PASSWORD)
    yield garant, url
    garant.close()


def _signed_in(http: Callable[..., httpx.Client], base: str) -> httpx.Client:
    client = http(base_url=base)
    assert sign_in(client, DPO, PASSWORD).status_code == 303
    return client


def _elsewhere(http: Callable[..., httpx.Client], client: httpx.Client, base: str) -> httpx.Client:
    """The same cookie, presented to the other server process."""
    return http(base_url=base, cookies={"garant_session": client.cookies["garant_session"]})


def _admin(http: Callable[..., httpx.Client], garant: Garant, base: str) -> httpx.Client:
    with garant.unit_of_work() as uow:
        token = issue_token(uow=uow, email=ADMIN, name="lifecycle")
    return http(base_url=base, headers={"Authorization": f"Bearer {token}"})


def test_old_sessions_refused_in_a_second_process_after_each_lifecycle_event(
    shared: tuple[Garant, str], http: Callable[..., httpx.Client]
) -> None:
    """DEF-SEC1 (authorization management): an account's access follows its current
    state at once, in every server process."""
    garant, url = shared
    with server_processes(garant.workspace, url) as (one, two):
        admin = _admin(http, garant, one)
        events: dict[str, Callable[[httpx.Client], object]] = {
            "logout": lambda c: c.post("/logout", data={"csrf_token": csrf(c, "/admin")}),
            "deactivate": lambda c: admin.post(f"/api/users/{DPO}/deactivate"),
            "role": lambda c: admin.put(f"/api/users/{DPO}/role", json={"role": "finance"}),
            "password": lambda c: admin.put(
                f"/api/users/{DPO}/password", json={"password": PASSWORD + "!"}
            ),
        }
        restore: dict[str, Callable[[], object]] = {
            "deactivate": lambda: admin.post(f"/api/users/{DPO}/activate"),
            "role": lambda: admin.put(f"/api/users/{DPO}/role", json={"role": "dpo"}),
            "password": lambda: admin.put(
                f"/api/users/{DPO}/password", json={"password": PASSWORD}
            ),
        }
        for name, event in events.items():
            here = _signed_in(http, one)
            there = _elsewhere(http, here, two)
            assert there.get("/api/me").json()["role"] == "dpo", name
            assert there.get("/admin/rights").status_code == 200, name
            done = event(here)
            assert isinstance(done, httpx.Response) and done.status_code in (200, 303), name
            assert there.get("/api/me").status_code == 401, f"{name}: old session still works"
            page = there.get("/admin/rights")
            assert page.status_code == 303 and page.headers["location"].startswith("/login"), name
            if name in restore:
                assert restore[name]().status_code == 200  # type: ignore[attr-defined]
    with garant.unit_of_work(read_only=True) as uow:
        from garant.audit.service import recent_events

        actions = {e["action"] for e in recent_events(uow.session, limit=200)}
    assert {"session.end", "session.end_all", "user.deactivate", "user.role"} <= actions
    assert {"user.password", "user.activate"} <= actions


@pytest.mark.parametrize("shared", ["sqlite"], indirect=True)
def test_a_revoked_token_is_refused_at_once_by_another_process(
    shared: tuple[Garant, str], http: Callable[..., httpx.Client]
) -> None:
    garant, url = shared
    with garant.unit_of_work() as uow:
        token = issue_token(uow=uow, email=DPO, name="ci")
    with server_processes(garant.workspace, url) as (one, two):
        machine = http(base_url=two, headers={"Authorization": f"Bearer {token}"})
        assert machine.get("/api/me").status_code == 200
        admin = _admin(http, garant, one)
        listed = admin.get(f"/api/users/{DPO}/tokens").json()
        assert [t["name"] for t in listed] == ["ci"] and listed[0]["revoked_at"] is None
        assert admin.post(f"/api/users/tokens/{listed[0]['id']}/revoke").status_code == 200
        assert machine.get("/api/me").status_code == 403
        assert admin.post(f"/api/users/tokens/{listed[0]['id']}/revoke").status_code == 409


@pytest.mark.parametrize("shared", ["sqlite"], indirect=True)
def test_a_forged_cookie_for_a_user_who_does_not_exist_is_refused(
    shared: tuple[Garant, str], http: Callable[..., httpx.Client]
) -> None:
    """The issue's probe: a cookie signed with the server's secret (the old shape, and
    the new one with a made-up session id) reaches nothing."""
    garant, url = shared
    secret = garant.settings.secret(garant.settings.web.session_secret_env)
    signer = itsdangerous.TimestampSigner(secret)
    forged = [
        {"staff": {"email": "ghost@staff.example", "role": "admin"}},
        {"sid": "made-up-session-id"},
    ]
    with server_processes(garant.workspace, url, count=1) as (one,):
        for data in forged:
            value = signer.sign(base64.b64encode(json.dumps(data).encode())).decode()
            client = http(base_url=one, cookies={"garant_session": value})
            assert client.get("/admin/users").status_code == 303
            assert client.get("/api/me").status_code == 401
