"""The export's JSON records, built column by column, are exactly what ``json.dumps``
writes; a repeated time is converted once but keeps each value's own text."""

from __future__ import annotations

import json
from typing import Any

from garant.subjects.writer import json_records


def test_json_records_equal_json_dumps_for_every_kind_of_column() -> None:
    keys = ["relation", "entity", "a%b", 'q"k', "n", "f", "x", "é"]
    columns: list[list[Any]] = [
        ["own"] * 6,
        [None] * 6,
        ["x", 'he said "hi"\n', "é ü 😀", "%s %d", "\\", ""],
        [1, 2, -3, 10**20, 0, 7],
        [None, 1, None, 2, None, 3],
        [1.5, float("nan"), float("inf"), -0.0, 1e300, 2.0],
        [True, False, None, "s", 3, 1.25],
        ["a"] * 6,
    ]
    expected = [
        json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False)
        for row in zip(*columns, strict=True)
    ]
    assert list(json_records(keys, columns)) == expected
    assert json.loads(expected[1])['q"k'] == 2


def test_a_column_of_one_repeated_time_is_written_as_each_value_would_be() -> None:
    """A repeated time is converted once; a value equal to it in another time zone, or on
    the other side of a daylight-saving fold, still gets its own text."""
    from datetime import UTC, datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    from garant.subjects.writer import _plain_column

    paris = ZoneInfo("Europe/Paris")
    first = datetime(2022, 10, 30, 2, 30, tzinfo=paris)  # an hour that happens twice
    column = [first] * 6 + [
        first.replace(fold=1),
        first.astimezone(UTC),
        first.astimezone(timezone(timedelta(hours=5))),
        first + timedelta(microseconds=5),
        datetime(2022, 10, 30, 2, 30),
    ]
    assert _plain_column(column) == [v.isoformat() for v in column]
    assert len(set(_plain_column(column))) == 6
