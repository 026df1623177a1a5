"""The SQL a connector sends, built with SQLAlchemy Core: values always bound parameters,
identifiers quoted by the dialect."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, Column, ColumnElement, Table, any_, bindparam, func, select, tuple_
from sqlalchemy.sql.sqltypes import NullType

from garant.connectors.base import Condition
from garant.datamap.models import Key
from garant.errors import ConnectorError


def selection(table: Table, names: Sequence[str] | None) -> list[Column[Any]]:
    if names is None:
        return list(table.columns)
    missing = [n for n in names if n not in table.c]
    if missing:
        raise ConnectorError(f"{table.name}: no column(s) {', '.join(missing)}")
    return [table.c[n] for n in names]


def select_of(table: Table, names: Sequence[str] | None) -> Any:
    """``SELECT`` of the named columns (all when ``names`` is None)."""
    return select(*selection(table, names))


def keys_in(cols: Sequence[ColumnElement[Any]], chunk: list[Key]) -> ColumnElement[bool]:
    if len(cols) == 1:
        return cols[0].in_([k[0] for k in chunk])
    return tuple_(*cols).in_(chunk)


def bucket(count: int, limit: int) -> int:
    size = 1
    while size < count:
        size *= 2
    return min(size, limit)


def in_params(chunk: list[Key], size: int) -> dict[str, Any]:
    padded = chunk + [chunk[-1]] * (size - len(chunk))
    if len(chunk[0]) == 1:
        return {f"k{i}": key[0] for i, key in enumerate(padded)}
    return {f"k{i}_{j}": value for i, key in enumerate(padded) for j, value in enumerate(key)}


def untyped(col: Column[Any]) -> bool:
    return isinstance(col.type, NullType)


def any(cols: Sequence[ColumnElement[Any]], types: list[Any]) -> ColumnElement[bool]:
    """``col = ANY(:keys_0)``, or ``(a, b) IN (SELECT * FROM unnest(:keys_0, :keys_1))`` for
    composite keys: each column's values bound as one typed array."""
    arrays = [bindparam(f"keys_{i}", type_=ARRAY(kind)) for i, kind in enumerate(types)]
    if len(cols) == 1:
        return cols[0] == any_(arrays[0])
    names = [f"k{i}" for i in range(len(cols))]
    pairs = func.unnest(*arrays).table_valued(*names).render_derived()
    return tuple_(*cols).in_(select(*(pairs.c[n] for n in names)))


def condition(table: Table, cond: Condition) -> ColumnElement[bool]:
    if cond.column not in table.c:
        raise ConnectorError(f"{table.name}: no column {cond.column}")
    col = table.c[cond.column]
    ops: dict[str, Any] = {
        "=": lambda: col == cond.value,
        "!=": lambda: col != cond.value,
        "<": lambda: col < cond.value,
        "<=": lambda: col <= cond.value,
        ">": lambda: col > cond.value,
        ">=": lambda: col >= cond.value,
        "is_null": lambda: col.is_(None),
        "not_null": lambda: col.is_not(None),
        "in": lambda: col.in_(list(cond.value)),
    }
    result: ColumnElement[bool] = ops[cond.op]()
    return result
