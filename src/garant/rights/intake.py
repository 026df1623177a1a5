"""Receiving a request on any channel (AF-X1): record, acknowledge, check identity."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import phonenumbers

from garant.errors import InvalidInput, TooManyRequests
from garant.rights import identity, policy_view, reply, service
from garant.rights.models import RightsRequest
from garant.rights.schemas import RequestCreate
from garant.store.uow import UnitOfWork, normalize_identity
from garant.throttle import service as throttle
from garant.throttle.rules import Rule

if TYPE_CHECKING:
    from garant.app import Garant

PER_CLIENT = Rule("rights.submit.client", limit=10, window=timedelta(hours=1))
PER_IDENTITY = Rule("rights.submit.identity", limit=5, window=timedelta(hours=1))
"""The defaults; the workspace's ``[intake]`` settings set the limits (``limits``)."""


def limits(garant: Garant) -> tuple[Rule, Rule]:
    """Submissions an hour per client address and per identity named (``[intake]``)."""
    intake = garant.settings.intake
    return (
        Rule(PER_CLIENT.scope, limit=intake.submissions_per_client_hour, window=PER_CLIENT.window),
        Rule(
            PER_IDENTITY.scope,
            limit=intake.submissions_per_identity_hour,
            window=PER_IDENTITY.window,
        ),
    )


PUBLIC_ANSWER = (
    "Your request is recorded. If we hold data about you, we are sending a code to the "
    "email address we have for you: enter it on your request's page to confirm it is you."
)
"""The same words whether or not anything matched: the answer is no oracle."""


def admit(garant: Garant, *, client: str | None, identities: dict[str, str]) -> None:
    """Public submissions: at most 10 an hour from one client address and 5 an hour naming
    one identity by default (``[intake]`` settings), so the victim's mailbox cannot be
    flooded; counted in the store so the limit holds across server processes. Call
    before the unit of work."""
    per_client, per_identity = limits(garant)
    verdicts = [throttle.hit(garant, per_client, client or "unknown")]
    if verdicts[0].allowed:
        verdicts += [
            throttle.hit(garant, per_identity, _spelling(garant, kind, value))
            for kind, value in sorted(identities.items())
        ]
    refused = [v for v in verdicts if not v.allowed]
    if refused:
        raise TooManyRequests(
            "too many requests; try again later", retry_after=max(v.retry_after for v in refused)
        )


def _spelling(garant: Garant, kind: str, value: str) -> str:
    """One key per phone number however it is written (``06 12...``, ``+33 6 12...``,
    ``0033...``): each spelling must not bring five more submissions (and codes)."""
    if kind == "phone":
        try:
            number = phonenumbers.parse(value, garant.policy.country or "FR")
        except phonenumbers.NumberParseException:
            return normalize_identity(kind, value)
        value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return normalize_identity(kind, value)


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


def submit(
    *, uow: UnitOfWork, data: RequestCreate, public: bool | None = None
) -> tuple[RightsRequest, str]:
    """Open the request, check identity, and tell the person its number and due date.

    A public submission is acknowledged only at an address that is on file for the person
    found (or that the code being sent to it will prove): never at an address the request
    alone gives, so the form cannot be used to mail someone else. ``public`` defaults to
    whether the person acts themselves (actor ``subject``: privacy center, public API).
    """
    if public is None:
        public = uow.actor.kind == "subject"
    req, token = service.open_request(uow=uow, data=data, public=public)
    if not public:
        reply.send_received(uow=uow, req=req, token=token)
    identity.begin(uow=uow, req=req)
    if public:  # only where the code went: a fallback to the reply address was an oracle
        to = identity.code_address(uow, req)
        if to:
            reply.send_received(uow=uow, req=req, token=token, to=to)
    return req, token
