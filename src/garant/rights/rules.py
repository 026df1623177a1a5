"""The request workflow as data: types, who may ask, states and the steps between them."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from garant.errors import InvalidInput, InvalidTransition


class RequestType(StrEnum):
    """DEF-D1 / AF-D1..AF-D8: every right the policies promise."""

    ACCESS = "access"  # Art. 15
    PORTABILITY = "portability"  # Art. 20
    RECTIFICATION = "rectification"  # Art. 16 (completion included)
    ERASURE = "erasure"  # Art. 17
    RESTRICTION = "restriction"  # Art. 18
    OBJECTION = "objection"  # Art. 21
    WITHDRAWAL = "withdrawal"  # Art. 7(3)
    POST_MORTEM = "post_mortem"  # Loi 78-17 art. 85


class RequesterKind(StrEnum):
    PERSON = "person"
    REPRESENTATIVE = "representative"
    PARENTAL_AUTHORITY = "parental_authority"
    HEIR = "heir"
    DESIGNATED = "designated"
    """The person named in post-mortem directives to carry them out (art. 85 I)."""


class Channel(StrEnum):
    WEB = "web"
    EMAIL = "email"
    POST = "post"
    API = "api"


class RestrictionGround(StrEnum):
    """AF-D6: the four cases of Art. 18(1)."""

    ACCURACY_CONTESTED = "accuracy_contested"  # 18(1)(a)
    UNLAWFUL_NO_ERASURE = "unlawful_no_erasure"  # 18(1)(b)
    LEGAL_CLAIMS = "legal_claims"  # 18(1)(c)
    OBJECTION_PENDING = "objection_pending"  # 18(1)(d)


class Status(StrEnum):
    RECEIVED = "received"
    AWAITING_IDENTITY = "awaiting_identity"
    VERIFIED = "verified"
    AWAITING_FEE = "awaiting_fee"
    DECIDED = "decided"
    RUNNING = "running"
    DONE = "done"
    ANSWERED = "answered"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.RECEIVED: frozenset({S.AWAITING_IDENTITY, S.VERIFIED, S.REFUSED, S.WITHDRAWN}),
    S.AWAITING_IDENTITY: frozenset({S.VERIFIED, S.REFUSED, S.WITHDRAWN}),
    # A verified request about someone Garant does not find is answered at once (Art. 11(2)).
    S.VERIFIED: frozenset({S.DECIDED, S.AWAITING_FEE, S.REFUSED, S.ANSWERED, S.WITHDRAWN}),
    S.AWAITING_FEE: frozenset({S.VERIFIED, S.REFUSED, S.WITHDRAWN}),
    S.DECIDED: frozenset({S.DECIDED, S.RUNNING, S.AWAITING_FEE, S.REFUSED, S.WITHDRAWN}),
    S.RUNNING: frozenset({S.DONE}),
    S.DONE: frozenset({S.ANSWERED}),
    S.ANSWERED: frozenset({S.CLOSED}),
    S.REFUSED: frozenset({S.CLOSED}),
    S.WITHDRAWN: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
OPEN = frozenset(set(Status) - {S.ANSWERED, S.REFUSED, S.WITHDRAWN, S.CLOSED})
"""States in which the deadline still runs."""


class HasStatus(Protocol):
    status: str


def transition(request: HasStatus, to: Status) -> None:
    """Move a request to ``to`` or raise ``InvalidTransition`` naming both states."""
    current = Status(request.status)
    if to not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (the request is closed)"
        raise InvalidTransition(
            f"a request that is {current} cannot become {to} (next steps: {allowed})"
        )
    request.status = to.value


# --- who may ask for what -----------------------------------------------------------
AFTER_DEATH = frozenset({RequesterKind.HEIR, RequesterKind.DESIGNATED})
HEIR_TYPES = frozenset(
    {
        RequestType.ACCESS,
        RequestType.RECTIFICATION,
        RequestType.ERASURE,
        RequestType.OBJECTION,
        RequestType.POST_MORTEM,
    }
)
"""Loi 78-17 art. 85 II: without directives (or unless they say otherwise), heirs exercise
the rights "dans la mesure nécessaire" to settle the succession (access to what the
liquidation and sharing of the estate need, family memories) and to have the death taken
into account (closing the accounts, objecting to further processing, updating the data:
rectification); designated persons carry out directives."""


def check_requester(kind: RequesterKind, request_type: RequestType, proof: str | None) -> None:
    """Anyone but the person needs proof of their capacity; heirs only for what art. 85 allows."""
    if kind is not RequesterKind.PERSON and not (proof or "").strip():
        raise InvalidInput(
            f"requester {kind}: give the proof of capacity (mandate, parental authority, "
            "certificate of inheritance or the directives naming them)"
        )
    if kind in AFTER_DEATH and request_type not in HEIR_TYPES:
        allowed = ", ".join(sorted(HEIR_TYPES))
        raise InvalidInput(f"requester {kind} may ask for: {allowed} (Loi 78-17 art. 85)")
    if request_type is RequestType.POST_MORTEM and kind not in AFTER_DEATH:
        raise InvalidInput("a post_mortem request comes from an heir or a designated person")


# --- decisions ----------------------------------------------------------------------
class Decision(StrEnum):
    GRANT = "grant"
    ERASE = "erase"
    KEEP = "keep"
    ARCHIVE = "archive"
    STOP = "stop"
    CONTINUE = "continue"
    RESTRICT = "restrict"
    RECTIFY = "rectify"
    WITHDRAW = "withdraw"
    REFUSE = "refuse"
    NOT_APPLICABLE = "not_applicable"


ERASURE_GROUNDS = {
    "art17_1_a": "no longer necessary for the purposes",
    "art17_1_b": "consent withdrawn and no other legal ground",
    "art17_1_c": "objection with no overriding legitimate grounds",
    "art17_1_d": "unlawfully processed",
    "art17_1_e": "legal obligation to erase",
}
ERASURE_EXCEPTIONS = {
    "art17_3_b": "kept to comply with a legal obligation",
    "art17_3_e": "kept for the establishment, exercise or defence of legal claims",
    "contract_current": "still needed for a contract in progress (Art. 17(1)(a) does not apply)",
}
OBJECTABLE_BASES = frozenset({"public_task", "legitimate_interests"})
"""Art. 21(1): objection on grounds of one's particular situation reaches only these."""
DECISIONS_NEEDING_REASON = frozenset({Decision.KEEP, Decision.ARCHIVE, Decision.CONTINUE})


def check_decision(decision: Decision, explanation: str | None) -> None:
    """Every refusal and every kept datum is explained to the person (Art. 12(4))."""
    if (decision in DECISIONS_NEEDING_REASON or decision is Decision.REFUSE) and not (
        explanation or ""
    ).strip():
        raise InvalidInput(f"decision {decision}: give the reasons (they are told to the person)")
