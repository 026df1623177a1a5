"""Follow-ups owed to others: Art. 19 notices to each processor and recipient, and the
portability transfer to another organization with its receipt recorded (Art. 20(2), AF-D4)."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from garant.errors import ConnectorError, NotFound
from garant.rights import decisions, package, policy_view, service
from garant.rights.models import RequestTask, RightsRequest
from garant.rights.rules import Decision
from garant.store.uow import UnitOfWork

ACTS = frozenset({Decision.ERASE, Decision.RECTIFY, Decision.RESTRICT, Decision.STOP})
TRANSFER_TIMEOUT = 30.0


def _task(uow: UnitOfWork, req: RightsRequest, kind: str, target: str) -> RequestTask:
    found = uow.session.scalar(
        select(RequestTask).where(
            RequestTask.request_id == req.id, RequestTask.kind == kind, RequestTask.target == target
        )
    )
    if found is None:
        found = RequestTask(
            request_id=req.id, kind=kind, target=target, status="open", created_at=uow.now()
        )
        uow.session.add(found)
        uow.session.flush()
    return found


def art19(*, uow: UnitOfWork, req: RightsRequest) -> int:
    """GDPR Art. 19: each recipient of the data is told of the erasure, rectification or
    restriction; one tracked task each, closed by staff when done."""
    created = 0
    for d in decisions.decisions_of(uow, req):
        if d.decision not in ACTS:
            continue
        view = policy_view.activity(uow.garant.policy, d.activity)
        if view is None:
            continue
        for kind, targets in (("processor", view.processors), ("recipient", view.recipients)):
            for target in targets:
                _task(uow, req, kind, target)
                created += 1
    return created


def complete(*, uow: UnitOfWork, task_id: int, note: str | None = None) -> RequestTask:
    task = uow.session.get(RequestTask, task_id)
    if task is None:
        raise NotFound(f"no task {task_id}")
    task.status, task.done_at, task.done_by = "done", uow.now(), uow.actor.label
    if note:
        task.receipt = (task.receipt or {}) | {"note": note}
    uow.audit("request.task_done", "request", task.request_id, details={"task": task.id})
    return task


def transfer(*, uow: UnitOfWork, req: RightsRequest) -> dict[str, Any]:
    """POST the portable data to the endpoint the person gave; record the receipt.

    A destination Garant must not reach (plain http, or an address inside a private
    network, unless the workspace allows that host) is refused: the task stays open with
    the reason, for staff to deliver the package another way."""
    url = service.personal(uow, req).get("destination_url")
    latest = package.latest(uow, req.id)
    if not url or latest is None:
        return {"skipped": True}
    task = _task(uow, req, "transfer", "destination")
    if task.status == "done":
        return {"receipt": task.receipt}
    refused = destination_refused(url, uow.garant.settings.rights.transfer_allowed_hosts)
    if refused is not None:
        task.receipt = {"refused": refused, "at": uow.now().isoformat()}
        uow.audit(
            "request.transfer_refused",
            "request",
            req.id,
            subject_ref=req.subject_ref,
            details={"reason": refused},
        )
        return {"refused": refused}
    body = package.data_json(uow, latest)
    try:
        response = httpx.post(
            url,
            content=body,
            headers={"content-type": "application/json"},
            timeout=TRANSFER_TIMEOUT,
        )
    except httpx.HTTPError as exc:
        raise ConnectorError(f"portability transfer for request {req.id} failed: {exc}") from None
    if response.status_code >= 300:
        raise ConnectorError(
            f"portability transfer for request {req.id}: "
            f"the endpoint answered {response.status_code}"
        )
    from garant.rights.erasure import digest_of

    task.receipt = {
        "status": response.status_code,
        "sent_sha256": digest_of(body),
        "answer_sha256": digest_of(response.content),
        "at": uow.now().isoformat(),
    }
    task.status, task.done_at, task.done_by = "done", uow.now(), "system:garant"
    uow.audit(
        "request.transfer",
        "request",
        req.id,
        subject_ref=req.subject_ref,
        details={"status": response.status_code},
    )
    return {"receipt": task.receipt}


def destination_refused(url: str, allowed_hosts: list[str]) -> str | None:
    """Why Garant will not post a person's data to ``url``, or ``None``.

    Only https to public addresses, unless the host is allowed in ``[rights]
    transfer_allowed_hosts``: the URL comes from the person, and a request to a private,
    loopback or link-local address would make Garant post data inside its own network.
    A name that does not resolve is left to the transfer, which fails and is retried."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return "the destination names no host"
    if host in {h.strip().lower() for h in allowed_hosts}:
        return None
    if parts.scheme != "https":
        return "the destination is not https: the data would cross the network unencrypted"
    try:
        found = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    for *_, address in found:
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])  # no IPv6 zone
        if not ip.is_global:
            return f"the destination {host} is a non-public address ({ip})"
    return None
