"""Issue 16: sign-in attempts are counted in the store per account and per client address,
so two server processes share one count; over it, a 429 with Retry-After, even for the
right password; the lock lifts by itself; every refusal is audited in its own transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from garant.accounts.service import add_user
from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.clock import FixedClock
from garant.web.app import create_app
from tests.conftest import write_workspace
from tests.web.conftest import PASSWORD, csrf_of, staff_email
from tests.web.servers import clients, server_processes, sign_in

DPO = "dpo@staff.example"


def _failures(garant: Garant) -> list[AuditEvent]:
    with garant.unit_of_work(read_only=True) as uow:
        query = select(AuditEvent).where(AuditEvent.action == "user.login_failed")
        return list(uow.session.scalars(query))


@pytest.fixture
def http() -> Iterator[Callable[..., httpx.Client]]:
    with clients() as make:
        yield make


def test_throttle_holds_across_two_server_processes(
    tmp_path: Path, http: Callable[..., httpx.Client]
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    root = write_workspace(tmp_path / "ws")
    garant = Garant.open(root, database_url=url)
    try:
        with garant.unit_of_work() as uow:
            add_user(uow=uow, email=DPO, role="dpo", password=PASSWORD)
        limit = garant.settings.web.login_attempts_per_account
        with server_processes(root, url) as bases:
            servers = [http(base_url=base) for base in bases]
            for attempt in range(limit):
                wrong = sign_in(servers[attempt % 2], DPO, "not the password!")
                assert wrong.status_code == 401, attempt
            for server in servers:
                locked = sign_in(server, DPO, PASSWORD)
                assert locked.status_code == 429
                assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
            other = http(base_url=bases[1])
            assert sign_in(other, "admin@staff.example", "whatever it is").status_code == 401
        reasons = [e.details["reason"] for e in _failures(garant)]
        assert reasons.count("password") == limit + 1 and reasons.count("throttled") == 2
    finally:
        garant.close()


def test_the_lock_lifts_by_itself_and_a_success_clears_the_account(staffed: Garant) -> None:
    clock = staffed.clock
    assert isinstance(clock, FixedClock)
    with TestClient(create_app(staffed)) as client:

        def attempt(password: str) -> int:
            form = {"email": staff_email("dpo"), "password": password, "next": "/admin"}
            form["csrf_token"] = csrf_of(client)
            return client.post("/login", data=form, follow_redirects=False).status_code

        for _ in range(5):
            assert attempt("wrong password!!") == 401
        assert attempt(PASSWORD) == 429
        clock.advance(minutes=16)
        assert attempt(PASSWORD) == 303  # lifted, and the success starts afresh
        for _ in range(4):
            assert attempt("wrong password!!") == 401
        assert attempt(PASSWORD) == 303


def test_a_failed_sign_in_is_audited_although_the_sign_in_rolled_back(staffed: Garant) -> None:
    with TestClient(create_app(staffed)) as client:
        form = {"email": staff_email("auditor"), "password": "nope nope nope", "next": "/admin"}
        form["csrf_token"] = csrf_of(client)
        assert client.post("/login", data=form).status_code == 401
        form = {"email": "nobody@staff.example", "password": "nope nope nope", "next": "/"}
        form["csrf_token"] = csrf_of(client)
        assert client.post("/login", data=form).status_code == 401
    events = _failures(staffed)
    assert [e.details for e in events] == [
        {"known": True, "reason": "password"},
        {"known": False, "reason": "password"},
    ]
    assert events[0].object_id is not None and events[1].object_id is None


def test_one_address_trying_many_accounts_is_stopped_too(staffed: Garant) -> None:
    """Per client address: spraying one password over many accounts hits its own limit."""
    staffed.settings.web.login_attempts_per_client = 4
    with TestClient(create_app(staffed)) as client:
        statuses = []
        for role in ("dpo", "privacy", "finance", "auditor", "admin"):
            form = {"email": staff_email(role), "password": "Summer2026!!", "next": "/admin"}
            form["csrf_token"] = csrf_of(client)
            statuses.append(client.post("/login", data=form).status_code)
        assert statuses == [401, 401, 401, 401, 429]
