"""The export's JSON records, built column by column, are exactly what ``json.dumps`` writes."""

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
