"""Receiving a request on any channel (AF-X1): record, acknowledge, check identity."""

from __future__ import annotations

from garant.rights import identity, reply, service
from garant.rights.models import RightsRequest
from garant.rights.schemas import RequestCreate
from garant.store.uow import UnitOfWork


def submit(*, uow: UnitOfWork, data: RequestCreate) -> tuple[RightsRequest, str]:
    """Open the request, tell the person its number and due date, and check identity."""
    req, token = service.open_request(uow=uow, data=data)
    reply.send_received(uow=uow, req=req, token=token)
    identity.begin(uow=uow, req=req)
    return req, token
