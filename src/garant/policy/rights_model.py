"""How people exercise their rights: channels, identity proof, deadlines (GDPR Art. 12)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from garant.policy.common import DurationField, Element, Identifier, Text, parse_duration

Channel = Literal["web", "email", "post", "api", "external"]
IdentityProof = Literal["none", "code", "customer_number", "document"]
RightKind = Literal[
    "access",
    "rectification",
    "erasure",
    "portability",
    "objection",
    "restriction",
    "withdraw_consent",
    "post_mortem",
    "complaint",
]


class Right(Element):
    right: RightKind
    text: Text | None = None
    reason_required: bool = False
    """Objection: reasons relating to the person's situation (GDPR Art. 21(1))..."""
    no_reason_for: list[Identifier] = Field(default_factory=list)
    """...except for these activities (commercial prospecting, Art. 21(2)) (AF-D5)."""
    grounds: list[str] = Field(default_factory=list)
    """Restriction (Art. 18(1)): accuracy_contested, objection_pending, unlawful_kept,
    legal_claims (AF-D6). Erasure: the legal exceptions (Art. 17(3))."""


class Deadlines(Element):
    """One month from receipt, extendable by two months with a reason (Art. 12(3))."""

    reply: DurationField = Field(default_factory=lambda: parse_duration("1 month"))
    extension: DurationField = Field(default_factory=lambda: parse_duration("2 months"))


class EntityRights(Element):
    """A rule for one entity of a group, overriding the common one (DEF-D2)."""

    entity: Identifier
    identity_proof: IdentityProof | None = None
    channels: list[Channel] | None = None
    email: str | None = None


class Exclusion(Element):
    """What rights never reach (DEF-D4): confidential data, data the law forbids
    communicating, classified documents."""

    id: Identifier
    label: Text


def _both_formats() -> list[Literal["json", "csv"]]:
    return ["json", "csv"]


class Portability(Element):
    formats: list[Literal["json", "csv"]] = Field(default_factory=_both_formats)
    electronic_by_default: bool = True
    paper_on_request: bool = False
    transfer_to_organization: bool = False


class Rights(Element):
    channels: list[Channel] = Field(min_length=1)
    email: str | None = None
    address: str | None = None
    external_url: str | None = None
    """The ``external`` channel: another site's form (a city's citizen portal, a
    ministry's service) where requests are also received."""
    identity_proof: IdentityProof = "code"
    request_must_state: list[str] = Field(default_factory=list)
    deadlines: Deadlines = Field(default_factory=Deadlines)
    rights: list[Right] = Field(default_factory=list)
    by_entity: list[EntityRights] = Field(default_factory=list)
    exclusions: list[Exclusion] = Field(default_factory=list)
    portability: Portability = Field(default_factory=Portability)

    @model_validator(mode="after")
    def _external_has_url(self) -> Rights:
        if "external" in self.channels and not self.external_url:
            raise ValueError("the external channel needs external_url: the form's address")
        return self

    def for_entity(self, entity: str | None) -> tuple[IdentityProof, list[Channel]]:
        """The identity proof and channels that apply to requests for ``entity``."""
        for rule in self.by_entity:
            if rule.entity == entity:
                return (rule.identity_proof or self.identity_proof, rule.channels or self.channels)
        return self.identity_proof, self.channels

    def right(self, kind: str) -> Right | None:
        return next((r for r in self.rights if r.right == kind), None)
