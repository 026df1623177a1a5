"""Conditions that keep rows past their period, declared as data (``retention.yaml``).

The policy names a condition ("active_learner", "open_contract", "unpaid_invoice"); this
file says what it means in a connected database, as filters on the row itself or on a
related collection that references it. Filters compile to SQLAlchemy Core expressions
with bound values; no SQL text is ever read from the file.

    batch_size: 5000
    held_while:
      - condition: active_learner
        system: school
        collection: learners
        where: [{column: status, equals: active}]
      - condition: open_contract
        system: school
        collection: learners
        exists: {collection: contracts, where: [{column: status, in: [open]}]}
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import ColumnElement, Table, and_, func, true

from garant.errors import ConfigError
from garant.sourcefile import load_document, validate_document

FILE_NAME = "retention.yaml"
_OPS = ("equals", "not_equals", "in_", "is_null", "on_or_after_today", "before_today")


class Filter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    column: str
    equals: Any = None
    not_equals: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    is_null: bool | None = None
    on_or_after_today: bool | None = None
    before_today: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Filter:
        given = [op for op in _OPS if getattr(self, op) is not None]
        if len(given) != 1:
            raise ValueError(
                "a filter names one column and exactly one test: equals, not_equals, in, "
                "is_null, on_or_after_today, before_today"
            )
        return self

    def compile(self, table: Table, today: date) -> ColumnElement[bool]:
        if self.column not in table.c:
            raise ConfigError(f'{FILE_NAME}: table {table.name} has no column "{self.column}"')
        col = table.c[self.column]
        if self.equals is not None:
            return cast(ColumnElement[bool], col == self.equals)
        if self.not_equals is not None:
            return cast(ColumnElement[bool], col != self.not_equals)
        if self.in_ is not None:
            return col.in_(self.in_)
        if self.is_null is not None:
            return col.is_(None) if self.is_null else col.is_not(None)
        if self.on_or_after_today:
            return col >= today
        return col < today


class Related(BaseModel):
    """Rows of another collection (of the same system) that reference the held row."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    collection: str
    where: list[Filter] = Field(default_factory=list)


class HeldWhile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    condition: str
    system: str
    collection: str
    where: list[Filter] = Field(default_factory=list)
    exists: Related | None = None

    @model_validator(mode="after")
    def _something(self) -> HeldWhile:
        if not self.where and self.exists is None:
            raise ValueError("a held_while entry needs where, exists, or both")
        return self


class RetentionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    batch_size: int = Field(default=5000, ge=1, le=100_000)
    max_share: float = Field(default=0.2, gt=0, le=1)
    """A sweep removing more than this share of a collection in one run waits for the
    DPO's approval (``garant retention approve``)."""
    held_while: list[HeldWhile] = Field(default_factory=list)

    def conditions_for(self, system: str, collection: str) -> list[HeldWhile]:
        return [h for h in self.held_while if h.system == system and h.collection == collection]


def load_config(workspace: Path) -> RetentionConfig:
    """The workspace's ``retention.yaml``; defaults when absent. Errors carry file:line."""
    path = workspace / FILE_NAME
    if not path.exists():
        return RetentionConfig()
    return validate_document(load_document(path), RetentionConfig)


def all_of(filters: list[Filter], table: Table, today: date) -> ColumnElement[bool]:
    if not filters:
        return true()
    return and_(*(f.compile(table, today) for f in filters))


def lowered(column: Any) -> Any:
    return func.lower(column)
