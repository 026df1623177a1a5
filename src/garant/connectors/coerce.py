"""Key values in the types of the columns they are compared with.

A value that cannot be one (text for a number) matches nothing and is dropped rather
than sent: the database never sees a comparison that would fail or cast.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Column

from garant.datamap.models import Key


def coerce_all(cols: list[Column[Any]], values: Iterable[Key]) -> list[Key]:
    """Values in the columns' own types; a value that cannot be one (text for a number)
    matches nothing and is dropped rather than sent."""
    out: dict[Key, None] = {}
    for value in values:
        converted = tuple(_coerce(col, v) for col, v in zip(cols, value, strict=True))
        if all(v is not _INVALID and v is not None for v in converted):
            out.setdefault(converted, None)
    return list(out)


_INVALID = object()


def _coerce(col: Column[Any], value: Any) -> Any:
    try:
        kind = col.type.python_type
    except NotImplementedError:
        return value
    if value is None or isinstance(value, kind):
        return value
    if kind is int and isinstance(value, str):
        text = value.strip()
        return int(text) if text.lstrip("-").isdigit() and len(text) < 19 else _INVALID
    if kind is str:
        return str(value)
    parse = _PARSERS.get(kind)
    if parse is not None and isinstance(value, str):
        try:
            return parse(value.strip())
        except (ValueError, ArithmeticError):
            return _INVALID
    return value


_PARSERS: dict[type, Any] = {
    float: float,
    Decimal: Decimal,
    UUID: UUID,
    date: date.fromisoformat,
    datetime: datetime.fromisoformat,
}
