"""Plain helpers for the rights tests: an API client, the code from the outbox, the worker."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from garant.accounts.service import add_user, issue_token
from garant.app import Garant
from garant.jobs.worker import run_one
from garant.mail.models import OutboxMessage
from garant.mail.sealed import open_mail
from garant.rights import execute
from garant.store.uow import SYSTEM
from garant.web.app import create_app


@contextmanager
def api_client(garant: Garant, role: str = "dpo") -> Iterator[TestClient]:
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=f"{role}@ecole.example", role=role, password="pw-" + "x" * 20)
        token = issue_token(uow=uow, email=f"{role}@ecole.example", name="test")
    with TestClient(
        create_app(garant),
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    ) as client:
        yield client


@dataclass(frozen=True)
class Mail:
    """An outbox message with what it says opened (the outbox keeps it encrypted)."""

    id: int
    template: str
    idempotency_key: str
    status: str
    recipient: str | None
    subject: str
    body_text: str | None
    body_html: str | None
    headers: dict[str, str]


def mails(garant: Garant, template: str, request_id: int | None = None) -> list[Mail]:
    with garant.unit_of_work() as uow:
        query = select(OutboxMessage).where(OutboxMessage.template == template)
        if request_id is not None:
            query = query.where(OutboxMessage.idempotency_key.startswith(f"rights:{request_id}:"))
        found = []
        for m in uow.session.scalars(query.order_by(OutboxMessage.id)):
            clear = open_mail(uow.keys, m)
            head = (m.id, m.template, m.idempotency_key, m.status)
            found.append(
                Mail(
                    *head,
                    clear.recipient,
                    clear.subject,
                    clear.body_text,
                    clear.body_html,
                    clear.headers,
                )  # fmt: skip
            )
        return found


def code_for(garant: Garant, request_id: int) -> str:
    body = mails(garant, "rights_code", request_id)[-1].body_text or ""
    return re.findall(r"\b(\d{6})\b", body)[0]


def run_requests(garant: Garant) -> int:
    """Run the rights jobs only (not the retention sweep the schedulers would start)."""
    done = 0
    while run_one(garant, kinds=[execute.JOB]):
        done += 1
    return done


def submit_verified(client: TestClient, garant: Garant, body: dict[str, Any]) -> int:
    """The person submits through the public API and confirms with the code mailed to them."""
    opened = client.post("/api/public/rights/requests", json=body)
    assert opened.status_code == 201, opened.text
    token = opened.json()["follow_token"]
    rid = request_id_of(client, token)
    verified = client.post(
        "/api/public/rights/requests/verify", json={"token": token, "code": code_for(garant, rid)}
    )
    assert verified.status_code == 200, verified.text
    return rid


def request_id_of(client: TestClient, token: str) -> int:
    """The public answer to a submission names no request (no oracle): its status page does."""
    shown = client.get("/api/public/rights/requests/status", params={"token": token})
    assert shown.status_code == 200, shown.text
    return int(shown.json()["id"])


def decide_and_run(
    client: TestClient, garant: Garant, request_id: int, **decide: Any
) -> dict[str, Any]:
    body = decide or {"accept_proposals": True}
    answer = client.post(f"/api/rights/requests/{request_id}/decide", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "decided", answer.json()
    queued = client.post(f"/api/rights/requests/{request_id}/run")
    assert queued.status_code == 202, queued.text
    run_requests(garant)
    shown = client.get(f"/api/rights/requests/{request_id}")
    assert shown.status_code == 200
    result: dict[str, Any] = shown.json()
    return result


def open_verified(garant: Garant, data: Any) -> int:
    """Submit through the service and confirm with the mailed code (two transactions)."""
    from garant.rights import identity, intake

    with garant.unit_of_work() as uow:
        rid = intake.submit(uow=uow, data=data)[0].id
    identity.try_code(garant, SYSTEM, request_id=rid, code=code_for(garant, rid))
    return int(rid)
