"""The one small protocol every connected store speaks.

A connector is chosen once from the data map (``open_connector``), typed, and fails loudly
when the map and the database disagree. Every call is set-based: values go in batches of
bound parameters (``IN (...)``), identifiers are quoted by the dialect, rows stream out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from garant.datamap.models import Collection, Key, System

Row = dict[str, Any]
Batch = tuple[list[str], Sequence[Sequence[Any]]]
"""Rows as value tuples, with their column names."""
Op = Literal["=", "!=", "<", "<=", ">", ">=", "is_null", "not_null", "in"]
BATCH = 1000
"""Rows fetched, updated or deleted per round trip."""
KEYS_PER_QUERY = 5000
"""Values bound in one ``IN (...)`` lookup: fewer scans where the column has no index,
well under every backend's limit on bound parameters."""
ARRAY_KEYS_PER_QUERY = 50_000
"""Keys per lookup where they travel as one array parameter (PostgreSQL): a batch bounds
the memory of one statement, not the count of placeholders."""


@dataclass(frozen=True)
class Condition:
    """A filter as data, so callers never build SQL: ``Condition("created_at", "<", cutoff)``."""

    column: str
    op: Op
    value: Any = None


@dataclass(frozen=True)
class Lookup:
    """One ``find``: rows of ``collection`` whose ``columns`` equal one of ``values``."""

    collection: Collection
    columns: Sequence[str]
    values: Iterable[Key]
    select: Sequence[str] | None = None
    casefold: bool = False


class Connector(Protocol):
    system: System

    def find(
        self,
        collection: Collection,
        columns: Sequence[str],
        values: Iterable[Key],
        *,
        select: Sequence[str] | None = None,
        casefold: bool = False,
    ) -> Iterator[Row]:
        """Rows whose ``columns`` equal one of ``values`` (tuples), in batches;
        ``casefold`` compares one text column as ``lower(column)``."""
        ...

    def find_batches(
        self,
        collection: Collection,
        columns: Sequence[str],
        values: Iterable[Key],
        *,
        select: Sequence[str] | None = None,
        casefold: bool = False,
    ) -> Iterator[tuple[list[str], Sequence[Sequence[Any]]]]:
        """``find`` as batches of value tuples with their column names: for callers that
        handle many rows and need no dict per row."""
        ...

    def find_many(
        self, lookups: Sequence[Lookup], *, meanwhile: Callable[[], None] | None = None
    ) -> list[Iterator[Batch]]:
        """Lookups that do not depend on each other, each one's batches as
        ``find_batches`` gives them; a connector may send them together. ``meanwhile``
        (work that needs none of their rows) runs once, before any batch is read: while
        the database works on them where the connector can."""
        ...

    def read(
        self, collection: Collection, keys: Iterable[Key], *, select: Sequence[str] | None = None
    ) -> Iterator[Row]:
        """Rows by primary key, streamed in batches."""
        ...

    def stream(
        self,
        collection: Collection,
        *,
        where: Sequence[Condition] = (),
        select: Sequence[str] | None = None,
    ) -> Iterator[Row]:
        """Every row matching ``where`` (all ANDed), through a server-side cursor."""
        ...

    def update(self, collection: Collection, changes: Iterable[tuple[Key, Row]]) -> int:
        """Apply ``{column: new value}`` per key; equal changes share one statement."""
        ...

    def delete(self, collection: Collection, keys: Iterable[Key]) -> int:
        """Delete rows by primary key, in batches."""
        ...

    def columns(self, collection: Collection) -> list[str]:
        """The table's live column names."""
        ...

    def reading(self) -> AbstractContextManager[None]:
        """Hold one connection for a burst of reads, outside any transaction."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """Group updates and deletes in one transaction of the connected database."""
        ...

    def close(self) -> None: ...


def batched(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
