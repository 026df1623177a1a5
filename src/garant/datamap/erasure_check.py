"""Will each erasure value fit its column? Checked before any erasure runs.

An erasure that writes NULL into a NOT NULL column, text into a DATE column, a mask into
a number or a 42-character hash into a VARCHAR(20) is refused by the database halfway
through a request, after other collections were already erased. Each strategy is
checked here against the live column's type, length and nullability, so that
``datamap check`` reports it (file:line) and a request is refused before it starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from garant.datamap.models import Collection, FieldSpec, System
from garant.datamap.schema_reader import ColumnInfo, SchemaInfo

Path = tuple[Any, ...]
Problem = tuple[Path, str, str, str]
"""(path in the map file, collection, column, message)."""

TEXT_STRATEGIES = {"mask": 0, "keyed_hash": 42, "pseudonym": 24}
"""Strategies that write text, with the longest value they write (mask keeps the length)."""

_FITS: dict[str, tuple[type, ...]] = {
    "date": (date,),
    "datetime": (datetime, date),
    "time": (time,),
    "integer": (int,),
    "numeric": (int, float, Decimal),
    "boolean": (bool,),
    "text": (str,),
}
_LENGTH = re.compile(r"char[a-z ]*\((\d+)\)|^varchar\((\d+)\)")


def _length(column: ColumnInfo) -> int | None:
    found = _LENGTH.search(column.type)
    return int(next(g for g in found.groups() if g)) if found else None


def fits_text(column: ColumnInfo, strategy: str) -> bool:
    """Whether the text ``strategy`` writes fits the column's declared length."""
    size = _length(column)
    return size is None or size >= TEXT_STRATEGIES.get(strategy, 0)


def erased_fields(coll: Collection) -> list[tuple[int, FieldSpec, str]]:
    """(index, field, strategy) of the fields an erasure rewrites: none for collections
    whose rows are deleted, kept whole (shared, immutable) or hold no field."""
    if coll.shared or coll.immutable or coll.erasure == "delete_row":
        return []
    return [
        (i, f, "null" if coll.strategy(f) == "delete_row" else coll.strategy(f))
        for i, f in enumerate(coll.fields)
        if f.name not in coll.key_columns
    ]


def problems(system: System, live: SchemaInfo, at: Path) -> Iterator[Problem]:
    """Every erasure value of ``system`` the live database would refuse."""
    for ci, coll in enumerate(system.collections):
        table = live.table(coll.table_name)
        if table is None:
            continue
        for fi, spec, strategy in erased_fields(coll):
            column = table.column(spec.name)
            if column is None:
                continue  # the map's check reports a missing column
            message = _refusal(spec, strategy, column)
            if message:
                path = (*at, "collections", ci, "fields", fi, "erasure")
                yield path, coll.name, spec.name, message


def _refusal(spec: FieldSpec, strategy: str, column: ColumnInfo) -> str | None:
    what = f"erasure {strategy} of {spec.name} ({column.type}"
    what += ", NOT NULL)" if not column.nullable else ")"
    if strategy == "null":
        if column.nullable:
            return None
        return f"{what}: the column cannot be emptied; choose fixed (with erasure_value), " + (
            "mask, keyed_hash or pseudonym" if column.family == "text" else "or delete_row"
        )
    if strategy == "fixed":
        return _fixed_refusal(what, spec.erasure_value, column)
    longest = TEXT_STRATEGIES.get(strategy)
    if longest is None:
        return None
    if column.family != "text":
        return f"{what}: {strategy} writes text, which a {column.family} column cannot hold"
    size = _length(column)
    if longest and size is not None and size < longest:
        return f"{what}: {strategy} writes up to {longest} characters, the column holds {size}"
    return None


def _fixed_refusal(what: str, value: Any, column: ColumnInfo) -> str | None:
    if value is None:
        return None if column.nullable else f"{what}: erasure_value null cannot go there"
    allowed = _FITS.get(column.family)
    if allowed is None:
        return None  # json, binary, other: the database decides
    if column.family == "date" and isinstance(value, datetime):
        allowed = ()
    fits = isinstance(value, allowed) and not (
        isinstance(value, bool) and column.family not in ("boolean", "integer")
    )
    if not fits:
        hint = " (write the date unquoted: 2000-01-01)" if isinstance(value, str) else ""
        kind = type(value).__name__
        return f"{what}: erasure_value is {kind} {value!r}, not a {column.family}{hint}"
    size = _length(column)
    if isinstance(value, str) and size is not None and len(value) > size:
        return f"{what}: erasure_value has {len(value)} characters, the column holds {size}"
    return None
