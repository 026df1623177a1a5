"""What a discovery returns: per system and collection, the person's own rows and context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel
from pydantic import Field as PydanticField

from garant.datamap.models import Collection, Key, System
from garant.subjects.rules import Identity

Row = dict[str, Any]


@dataclass
class RowSet:
    """One collection's rows for a person: keyed by primary key, with traversal columns."""

    system: System
    collection: Collection
    owned: dict[Key, Row] = field(default_factory=dict)
    context: dict[Key, Row] = field(default_factory=dict)

    def entity_of(self, row: Row) -> str | None:
        """The group entity a row belongs to (DEF-O1): its column, else its system's."""
        column = self.collection.entity_column
        if column and row.get(column) is not None:
            return str(row[column])
        return self.system.entity

    def summary(self) -> dict[str, Any]:
        return {
            "system": self.system.id,
            "collection": self.collection.name,
            "activity": self.collection.activity,
            "owned": len(self.owned),
            "context": len(self.context),
            "entities": sorted({e for r in self.owned.values() if (e := self.entity_of(r))}),
        }

    def to_dict(self) -> dict[str, Any]:
        def rows(found: dict[Key, Row]) -> list[dict[str, Any]]:
            return [{"key": list(key), "entity": self.entity_of(row)} for key, row in found.items()]

        return self.summary() | {"owned_rows": rows(self.owned), "context_rows": rows(self.context)}


@dataclass
class SubjectFind:
    identities: list[Identity]
    rowsets: list[RowSet] = field(default_factory=list)

    def get(self, system: str, collection: str) -> RowSet | None:
        return next(
            (r for r in self.rowsets if r.system.id == system and r.collection.name == collection),
            None,
        )

    @property
    def found(self) -> bool:
        return any(r.owned for r in self.rowsets)

    def counts(self) -> dict[str, int]:
        return {
            "owned": sum(len(r.owned) for r in self.rowsets),
            "context": sum(len(r.context) for r in self.rowsets),
            "collections": sum(1 for r in self.rowsets if r.owned),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "identities": [i.kind for i in self.identities],
            "counts": self.counts(),
            "collections": [r.to_dict() for r in self.rowsets],
        }


class IdentityIn(BaseModel):
    kind: str = PydanticField(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
    value: str = PydanticField(min_length=1, max_length=320)


class SubjectQuery(BaseModel):
    """Who to look for, and why (DEF-S2: every access has a stated purpose)."""

    identities: list[IdentityIn] = PydanticField(min_length=1, max_length=10)
    purpose: str = PydanticField(min_length=1, max_length=200)

    def to_identities(self) -> list[Identity]:
        return [Identity(i.kind, i.value.strip()) for i in self.identities]


class ExportQuery(SubjectQuery):
    portable: bool = False
    lang: Literal["fr", "en"] = "fr"
