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


ControllerKind = Literal["public_body", "association", "company", "group", "individual"]


class Controller(Element):
    kind: ControllerKind = "company"
    """A public body must designate a DPO (GDPR Art. 37(1)(a)); a group lists its entities."""
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
    financial_year_end: str = Field(
        default="12-31", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    )
    """Month and day the financial year closes (MM-DD): Code de commerce L123-22 counts the
    ten years of accounting records from there."""
    aml_obliged: bool = False
    """An entity of CMF L561-2 (bank, payment or e-money institution, insurer...), bound by
    the anti-money-laundering record keeping of L561-12."""

    @property
    def year_end(self) -> tuple[int, int]:
        month, day = self.financial_year_end.split("-")
        return int(month), int(day)

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
