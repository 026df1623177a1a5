"""The data map: where each person's data lives, and what may be done with it.

``datamap.yaml`` names the organization's systems and, per collection (table), the
fields with their data category, the identity fields, the references that lead from a
person to their rows (``owns`` / ``context`` / ``stop``), how each field is erased,
what is excluded from access (DEF-D4), what is portable (AF-D4) and which retention
rule applies from which date columns. The model is strict (``extra="forbid"``) so a
misspelt key is an error with its file:line, never a silently ignored setting.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from garant.errors import NotFound

SystemKind = Literal["sqlite", "postgresql", "mysql"]
Meaning = Literal["owns", "context", "stop"]
Strategy = Literal["delete_row", "null", "fixed", "mask", "keyed_hash", "pseudonym"]
STRATEGIES: tuple[str, ...] = ("delete_row", "null", "fixed", "mask", "keyed_hash", "pseudonym")
Key = tuple[Any, ...]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Labels(_Strict):
    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class Exclusion(_Strict):
    """Data left out of access exports: confidential, secret by law, Defence secret (DEF-D4).

    ``reason`` is shown to the person; ``reasons: {fr, en}`` gives it in each language."""

    reason: str
    reasons: Labels | None = None
    basis: Literal["confidential", "secret_by_law", "defence_secret", "third_party", "other"] = (
        "confidential"
    )

    def text(self, lang: str) -> str:
        return self.reasons.get(lang) if self.reasons else self.reason


def _null_strategy(value: Any) -> Any:
    # ``erasure: null`` in YAML reads as None; the key being present means "set to NULL".
    return "null" if value is None else value


class FieldSpec(_Strict):
    """One column holding personal data (or a column worth labelling for a person)."""

    name: str
    category: str
    label: Labels
    erasure: Strategy | None = None
    erasure_value: Any = None
    portable: bool | None = None
    exclude: Exclusion | None = None
    third_party: bool = False
    """The column holds someone else's data (a co-signer, a staff member): redacted in
    exports under Art. 15(4)."""
    values: dict[str | int | bool, Labels] | None = None
    """Labels of the codes the column holds (``paid: {fr: Payée, en: Paid}``): the
    readable page of an export shows the label, its CSV and JSON files the code."""

    _erasure_none = field_validator("erasure", mode="before")(_null_strategy)

    @model_validator(mode="after")
    def _fixed_needs_value(self) -> FieldSpec:
        if self.erasure == "fixed" and self.erasure_value is None:
            raise ValueError("erasure: fixed needs erasure_value (the value written instead)")
        return self


class Reference(_Strict):
    """A column of this collection pointing at another collection of the same system.

    ``owns``: this collection's rows belong to whoever owns the target row (followed
    transitively). ``context``: the target row (an address, a store) is shown beside the
    person's row, one hop, never expanded back out, never erased for them. ``stop``: not
    followed.
    """

    column: str | list[str]
    to: str
    to_column: str | list[str] | None = None
    meaning: Meaning

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,) if isinstance(self.column, str) else tuple(self.column)


class Restriction(_Strict):
    """How a restriction of processing (Art. 18) is marked in the system itself."""

    column: str
    value: Any = True


class RetentionBinding(_Strict):
    """The policy's retention rule for these rows and the columns its events come from.

    ``dates`` maps an event name of the rule's start expression to a column of this
    collection, or to ``other_collection.column`` (the latest value among the rows of that
    collection that this row owns, e.g. ``last_click: newsletter_clicks.clicked_at``).
    """

    rule: str
    dates: dict[str, str] = Field(default_factory=dict)


class Collection(_Strict):
    name: str
    table: str | None = None
    schema_: str | None = Field(default=None, alias="schema")
    label: Labels | None = None
    primary_key: str | list[str]
    activity: str | None = None
    entity_column: str | None = None
    """Column naming the group entity each row belongs to (DEF-O1); else the system's."""
    fields: list[FieldSpec] = Field(default_factory=list)
    identity: dict[str, str] = Field(default_factory=dict)
    """Identity kind (email, phone, customer_number, member_number, ...) -> column."""
    casefold: list[str] = Field(default_factory=lambda: ["email"])
    """Identity kinds matched case-insensitively (``lower(column)``): index that expression
    on large tables, or set ``casefold: []`` where values are stored lower-case."""
    references: list[Reference] = Field(default_factory=list)
    immutable: bool = False
    immutable_reason: str | None = None
    immutable_reasons: Labels | None = None
    """``immutable_reason`` in each language (``{fr, en}``), as the back office shows it."""
    shared: bool = False
    """Rows are shared by several people (an address): never erased or rewritten for one."""
    erasure: Strategy = "delete_row"
    portable: bool = False
    exclude: Exclusion | None = None
    restriction: Restriction | None = None
    retention: RetentionBinding | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    _erasure_none = field_validator("erasure", mode="before")(_null_strategy)

    @property
    def table_name(self) -> str:
        return self.table or self.name

    @property
    def db_schema(self) -> str | None:
        return self.schema_

    @cached_property
    def key_columns(self) -> tuple[str, ...]:
        pk = self.primary_key
        return (pk,) if isinstance(pk, str) else tuple(pk)

    def immutable_text(self, lang: str) -> str | None:
        return self.immutable_reasons.get(lang) if self.immutable_reasons else self.immutable_reason

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def strategy(self, spec: FieldSpec) -> str:
        """A field's erasure strategy: its own, else the collection's default."""
        return spec.erasure or self.erasure

    def is_portable(self, spec: FieldSpec) -> bool:
        return self.portable if spec.portable is None else spec.portable

    def target_columns(self, ref: Reference, target: Collection) -> tuple[str, ...]:
        if ref.to_column is None:
            return target.key_columns
        return (ref.to_column,) if isinstance(ref.to_column, str) else tuple(ref.to_column)

    def columns_used(self) -> list[str]:
        """Every column the map names in this collection, in a stable order."""
        seen: dict[str, None] = {}
        for name in (
            *self.key_columns,
            *(f.name for f in self.fields),
            *self.identity.values(),
            *(c for r in self.references for c in r.columns),
            *((self.entity_column,) if self.entity_column else ()),
            *((self.restriction.column,) if self.restriction else ()),
            *(d for d in (self.retention.dates.values() if self.retention else ()) if "." not in d),
        ):
            seen.setdefault(name, None)
        return list(seen)


class System(_Strict):
    id: str
    kind: SystemKind
    entity: str | None = None
    hosting_country: str = "FR"
    url_env: str
    url: str | None = None
    """Default URL when the variable is unset (demos); a relative sqlite path is read from
    the workspace."""
    description: str | None = None
    descriptions: Labels | None = None
    """``description`` in each language (``{fr, en}``), as the back office shows it."""
    collections: list[Collection] = Field(default_factory=list)

    def description_text(self, lang: str) -> str | None:
        return self.descriptions.get(lang) if self.descriptions else self.description

    def connection_url(self, workspace: Path | None = None) -> str | None:
        url = os.environ.get(self.url_env) or self.url
        if url and workspace is not None and url.startswith("sqlite:///"):
            rest = url.removeprefix("sqlite:///")
            if rest and not rest.startswith("/") and rest != ":memory:":
                url = f"sqlite:///{(workspace / rest).resolve()}"
        return url

    def get_collection(self, name: str) -> Collection | None:
        return next((c for c in self.collections if c.name == name), None)

    def collection(self, name: str) -> Collection:
        found = self.get_collection(name)
        if found is None:
            raise NotFound(f'system "{self.id}" has no collection "{name}" in the data map')
        return found


class DataMap(_Strict):
    version: int = 1
    systems: list[System] = Field(default_factory=list)
    _base_dir: Path | None = PrivateAttr(default=None)

    @property
    def base_dir(self) -> Path | None:
        """The workspace the map was read from: relative SQLite URLs are resolved there."""
        return self._base_dir

    def get_system(self, id: str) -> System | None:
        return next((s for s in self.systems if s.id == id), None)

    def system(self, id: str) -> System:
        found = self.get_system(id)
        if found is None:
            raise NotFound(f'the data map has no system "{id}"')
        return found

    def collection(self, system: str, name: str) -> Collection:
        return self.system(system).collection(name)

    def url_of(self, system: System) -> str | None:
        return system.connection_url(self._base_dir)

    def all_collections(self) -> list[tuple[System, Collection]]:
        return [(s, c) for s in self.systems for c in s.collections]

    def identity_kinds(self) -> set[str]:
        return {kind for _, c in self.all_collections() for kind in c.identity}
