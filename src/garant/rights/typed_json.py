"""Typed JSON for what a step records: keys of any type survive the round trip.

A step's result holds the keys of the rows it planned or changed, and a key is whatever
the database made it: a ``[payment_date, payment_id]`` pair is a datetime and an integer,
an amount a Decimal, a token bytes. Plain JSON refuses them (the step failed on every
retry) or turns them to text (the next step's lookup then misses the row on PostgreSQL).
Each such value is stored as ``{"$type": name, "value": text}`` and read back as the
same Python value, so the plan's keys find the same rows in the steps that follow.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

TAG = "$type"

_ENCODERS: tuple[tuple[type, str, Callable[[Any], str]], ...] = (
    # datetime before date: a datetime is a date too
    (datetime, "datetime", lambda v: v.isoformat()),
    (date, "date", lambda v: v.isoformat()),
    (time, "time", lambda v: v.isoformat()),
    (timedelta, "timedelta", lambda v: repr(v.total_seconds())),
    (Decimal, "decimal", str),
    (bytes, "bytes", lambda v: base64.b64encode(v).decode("ascii")),
    (bytearray, "bytes", lambda v: base64.b64encode(bytes(v)).decode("ascii")),
    (memoryview, "bytes", lambda v: base64.b64encode(v.tobytes()).decode("ascii")),
    (uuid.UUID, "uuid", str),
)

_DECODERS: dict[str, Callable[[str], Any]] = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda t: timedelta(seconds=float(t)),
    "decimal": Decimal,
    "bytes": base64.b64decode,
    "uuid": uuid.UUID,
    "text": str,
}


def encode(value: Any) -> Any:
    """``value`` with every non-JSON scalar tagged; lists, tuples and dicts walked."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [encode(v) for v in items]
    for kind, name, write in _ENCODERS:
        if isinstance(value, kind):
            return {TAG: name, "value": write(value)}
    # a type no driver we support returns: kept as its text rather than failing the step
    return {TAG: "text", "value": str(value)}


def decode(value: Any) -> Any:
    """The values :func:`encode` stored, as they were (tuples come back as lists)."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {TAG, "value"} and value[TAG] in _DECODERS:
            return _DECODERS[value[TAG]](value["value"])
        return {k: decode(v) for k, v in value.items()}
    return value
