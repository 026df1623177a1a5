"""Who is responsible: the controller (one company or a group of entities), contacts, authority."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from garant.policy.common import Contact, Element, Identifier, Text


class Entity(Element):
    """One company of a group (DEF-O1): every activity and record belongs to one."""

    id: Identifier
    name: str
    address: str | None = None
    registration: str | None = None


class Controller(Element):
    kind: Literal["company", "group"] = "company"
    name: str
    legal_form: str | None = None
    address: str | None = None
    registration: str | None = None
    phone: str | None = None
    email: str | None = None
    head: Contact | None = None
    """The person in charge of the organization (first lines of the CNIL register)."""
    representative: Contact | None = None
    """Art. 27 representative, when the controller is established outside the EU."""
    entities: list[Entity] = Field(default_factory=list)

    @model_validator(mode="after")
    def _group_has_entities(self) -> Controller:
        if self.kind == "group" and not self.entities:
            raise ValueError("a group controller lists its entities (at least one)")
        return self


class Contacts(Element):
    dpo: Contact | None = None
    committee: Contact | None = None


class Authority(Element):
    """The supervisory authority a person may complain to (GDPR Art. 77)."""

    name: str
    address: str | None = None
    website: str | None = None
    complaint: Text | None = None
