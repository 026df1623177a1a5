"""Receiving a request on any channel (AF-X1): record, acknowledge, check identity."""

from __future__ import annotations

from garant.errors import InvalidInput
from garant.rights import identity, policy_view, reply, service
from garant.rights.models import RightsRequest
from garant.rights.schemas import RequestCreate
from garant.store.uow import UnitOfWork


def check_self_service(*, uow: UnitOfWork, entity: str | None = None) -> None:
    """The privacy center and the public API take requests only where the policy offers
    the web channel; letters and emails are entered by staff."""
    offered = policy_view.channels(uow.garant.policy, entity)
    if "web" not in offered:
        raise InvalidInput(
            "requests are taken by "
            + " or ".join(offered)
            + "; write to us: "
            + (policy_view.rights_contact(uow.garant.policy) or "see the privacy notice")
        )


def submit(*, uow: UnitOfWork, data: RequestCreate) -> tuple[RightsRequest, str]:
    """Open the request, tell the person its number and due date, and check identity."""
    req, token = service.open_request(uow=uow, data=data)
    reply.send_received(uow=uow, req=req, token=token)
    identity.begin(uow=uow, req=req)
    return req, token
