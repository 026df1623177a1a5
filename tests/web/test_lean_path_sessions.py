"""Issue 16: the consent check's lean path (``garant.web.fastcheck``) verifies a staff
session in the store like a token: after sign-out or deactivation it answers no more."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from garant.accounts.service import add_user, deactivate
from garant.app import Garant
from garant.clock import SystemClock
from garant.consent.check import POLL_SECONDS
from garant.web import fastcheck
from garant.web.app import create_app
from tests.consent.policy import POLICY
from tests.web.servers import csrf

CHECK = "/api/consent/check"
ASK = {"purpose": "newsletter", "value": "a@x.org"}
PASSWORD = "a long password!"


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    bodies: list[bytes] = []
    respond = fastcheck._respond

    async def spy(send: Any, body: bytes) -> None:
        bodies.append(body)
        await respond(send, body)

    monkeypatch.setattr(fastcheck, "_respond", spy)
    return bodies


@pytest.mark.parametrize("event", ["logout", "deactivate"])
def test_the_lean_path_refuses_an_ended_session(
    make_garant: Callable[..., Garant], answered: list[bytes], event: str
) -> None:
    garant = make_garant(policy=POLICY)
    garant.clock = SystemClock()  # the check's cache, and so the lean path, is on
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="c@org.example", role="communications", password=PASSWORD)
    with TestClient(create_app(garant)) as client:
        form = {"csrf_token": csrf(client), "email": "c@org.example", "password": PASSWORD}
        assert client.post("/login", data=form, follow_redirects=False).status_code == 303
        assert client.get(CHECK, params=ASK).status_code == 200
        assert client.get(CHECK, params=ASK).status_code == 200
        assert len(answered) == 2  # both answered by the lean path
        kept = client.cookies["garant_session"]
        if event == "logout":
            client.post("/logout", data={"csrf_token": csrf(client, "/admin")})
        else:
            with garant.unit_of_work() as uow:
                deactivate(uow=uow, email="c@org.example")
        time.sleep(POLL_SECONDS + 0.05)
        client.cookies.set("garant_session", kept)
        assert client.get(CHECK, params=ASK).status_code == 401
        assert len(answered) == 2
