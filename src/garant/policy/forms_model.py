"""Collection forms: each field with its purpose, whether it is mandatory, the consequence
of not answering and the legal nature of the obligation (AF-C2, DEF-C1, AF-F1; GDPR
Art. 13(2)(e))."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from garant.policy.common import Element, Identifier, Text

FieldKind = Literal["text", "email", "phone", "date", "number", "choice", "boolean", "file"]


class FormField(Element):
    name: Identifier
    label: Text
    category: str
    purpose: Text | None = None
    mandatory: bool = False
    consequence: Text | None = None
    legal_nature: Literal["contractual", "legal", "public_task", "none"] = "none"
    """Why answering is mandatory (Art. 13(2)(e)): a contract, a law, or the text that
    sets up a public task (the activity's ``legal_references``)."""
    kind: FieldKind = "text"

    @model_validator(mode="after")
    def _mandatory_explained(self) -> FormField:
        if self.mandatory and self.consequence is None:
            raise ValueError(
                "a mandatory field needs consequence: what happens without it, in French "
                "and English (GDPR Art. 13(2)(e))"
            )
        if self.mandatory and self.legal_nature == "none":
            raise ValueError(
                "a mandatory field needs legal_nature: contractual, legal or public_task"
            )
        return self


class Form(Element):
    id: Identifier
    activity: Identifier
    title: Text
    fields: list[FormField] = Field(min_length=1)

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)
