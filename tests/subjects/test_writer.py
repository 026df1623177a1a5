"""The export's JSON records and CSV lines, built column by column, are exactly what
``json.dumps`` and ``csv.writer`` write."""

from __future__ import annotations

import csv
import io
import json
import random
from typing import Any

from garant.subjects import writer
from garant.subjects.writer import csv_text, json_records


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


def _csv_module(columns: list[list[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(zip(*columns, strict=True))
    return buffer.getvalue()


def test_csv_lines_equal_the_csv_module_for_every_kind_of_column() -> None:
    """Text that needs quoting (comma, quote, line break), text that does not (spaces,
    tabs, other line separators, empty), numbers, booleans and NULLs give the bytes
    ``csv.writer`` gives; a carriage return or a type it would convert itself is left to
    it (None); the export uses the fast path only when this Python's csv module agrees."""
    assert writer._CSV_FAST
    columns: list[list[Any]] = [
        ["yours", "linked, shared with others", "yours", "x", "y", "z"],
        ["entity", "", "e", "", "f", ""],
        ["a,b", 'he said "hi"', "line\nbreak", " padded ", "", "é ü 😀 \u2028 \t"],
        [1, -2, 10**20, 0, 7, 3],
        [None, 1.5, None, -0.0, 1e300, None],
        [True, False, None, True, None, False],
        [None] * 6,
    ]
    assert csv_text(columns) == _csv_module(columns)
    rng = random.Random(4)
    alphabet = ["a", ",", '"', "\n", " ", "é", "\t", "1"]
    for _ in range(200):
        column = ["".join(rng.choices(alphabet, k=rng.randint(0, 6))) for _ in range(5)]
        mixed: list[Any] = [rng.choice([None, 3, 2.5, "t", True]) for _ in range(5)]
        assert csv_text([column, mixed]) == _csv_module([column, mixed])
    assert csv_text([["carriage\rreturn", "x"], [1, 2]]) is None
    assert csv_text([["x", "y"], [b"bytes", 2]]) is None


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
