"""Keys of any type, written down and read back exactly (a batch's key range in the store).

A key is a tuple of column values: integers, text, dates, times, date-times (with or
without a zone), decimals, UUIDs, bytes. Each value is stored with its type, so a range
read back after a crash compares with the same values the batch was announced with.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

_DECODE: dict[str, Callable[[str], Any]] = {
    "int": int,
    "str": str,
    "bool": lambda v: v == "1",
    "float": float,
    "decimal": Decimal,
    "date": date.fromisoformat,
    "datetime": datetime.fromisoformat,
    "time": time.fromisoformat,
    "uuid": UUID,
    "bytes": bytes.fromhex,
}


def _tag(value: Any) -> list[str]:
    if isinstance(value, bool):
        return ["bool", "1" if value else "0"]
    if isinstance(value, datetime):  # before date: a datetime is a date
        return ["datetime", value.isoformat()]
    for kind, cls in (("int", int), ("date", date), ("time", time), ("decimal", Decimal)):
        if isinstance(value, cls):
            return [kind, value.isoformat() if hasattr(value, "isoformat") else str(value)]
    if isinstance(value, float):
        return ["float", repr(value)]
    if isinstance(value, UUID):
        return ["uuid", str(value)]
    if isinstance(value, bytes | bytearray | memoryview):
        return ["bytes", bytes(value).hex()]
    return ["str", str(value)]


def encode_key(value: Any) -> str:
    """A key (one value or a tuple) as typed JSON: ``[["int","3"],["date","2026-01-02"]]``."""
    values = value if isinstance(value, tuple | list) else (value,)
    return json.dumps([_tag(v) for v in values], separators=(",", ":"))


def decode_key(text: str) -> tuple[Any, ...]:
    """The tuple :func:`encode_key` wrote."""
    return tuple(_DECODE[kind](raw) for kind, raw in json.loads(text))
