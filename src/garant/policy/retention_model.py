"""Retention as rules: a duration from the latest of several events, held while
conditions last, then an optional intermediate archive citing its statute, then an end.

    retention_rules:
      - id: newsletter
        duration: 3 years
        start: {latest: [collected, last_click, documentation_request],
                ignored: [email_open, mail_sent]}
        then: delete
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from garant.policy.common import DurationField, Element, Identifier, Strict, Text
from garant.policy.vocabulary_model import LegalReference

HoldCondition = Literal[
    "open_contract",
    "active_learner",
    "unpaid_invoice",
    "pending_request",
    "restriction",
    "legal_hold",
]
HOLD_CONDITIONS: tuple[str, ...] = (
    "open_contract",
    "active_learner",
    "unpaid_invoice",
    "pending_request",
    "restriction",
    "legal_hold",
)


class RelatedStart(Strict):
    """The clock of a row starts with an event of a related row: a child's profile ends
    with its parent's account (``{via: guardian, event: account_closed}``). ``via`` names
    the relation (the data map's reference) that leads to that row."""

    via: Identifier
    event: Identifier


class Start(Strict):
    """When the clock starts: the latest of the named events (AF-R2).

    ``ignored`` names events that must not restart it (opening an email, a mail the
    organization sent): recorded so that engines and readers know they were considered.
    A single event may be written alone: ``start: collected``.
    """

    latest: list[Identifier] = Field(min_length=1)
    ignored: list[Identifier] = Field(default_factory=list)
    related: RelatedStart | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"latest": [value]}
        return value

    @model_validator(mode="after")
    def _disjoint(self) -> Start:
        both = set(self.latest) & set(self.ignored)
        if both:
            raise ValueError(
                f"an event cannot both count and be ignored: {', '.join(sorted(both))}"
            )
        return self

    @property
    def events(self) -> list[str]:
        return list(self.latest)


class ArchivePhase(Element):
    """The intermediate archive (DEF-R3, AF-R0): kept apart, reduced to ``fields``, because
    ``statute`` requires it, for ``duration``; then ``then``."""

    duration: DurationField
    statute: Identifier
    fields: list[str] = Field(default_factory=list)
    anonymous: bool = False
    """The organization says the archive is anonymous (DEF-R5); lint checks that the fields
    kept allow it (an invoice keeps the client's identity, so it cannot be)."""
    record_type: Text | None = None
    on_erasure: Literal["archive", "erase"] | None = None
    """What an erasure request does to the records. By default a duty to keep them archives
    them (Art. 17(3)(b)) and a limitation period erases them; ``archive`` keeps records
    for a limitation period as evidence for legal claims (Art. 17(3)(e)), the
    organization's choice (DEF-R3 promises it for contracts)."""


class RetentionRule(Element):
    id: Identifier
    label: Text | None = None
    duration: DurationField
    start: Start
    held_while: list[HoldCondition] = Field(default_factory=list)
    archive: ArchivePhase | None = None
    then: Literal["delete", "anonymize"] = "delete"
    governs: str | None = None
    """Garant's own records this rule governs (rights_requests, identity_checks,
    suppression, ...), when it is not bound to a collection of the data map."""
    legal_references: list[LegalReference] = Field(default_factory=list)
    """The texts that set this duration (a decree, a CNIL reference framework)."""

    @property
    def events(self) -> list[str]:
        return self.start.events
