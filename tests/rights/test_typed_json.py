"""Step results keep their keys' types through JSON (issue 15: Pagila's payment key)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from garant.rights.typed_json import decode, encode


def test_every_key_type_comes_back_as_it_was() -> None:
    keys = [
        [datetime(2022, 1, 24, 21, 40, 19, 567000, tzinfo=UTC), 16050],
        [datetime(2025, 4, 1, 8, 0, 0, 250000), 7],
        (date(2025, 2, 1), "A-12"),
        [Decimal("4.99"), b"\x00\xfftoken", uuid.UUID(int=7)],
        [time(8, 30), timedelta(hours=2), None, True, 1.5],
    ]
    stored = json.loads(json.dumps(encode({"places": {"shop.payment": {"keep": keys}}})))
    back = decode(stored)["places"]["shop.payment"]["keep"]
    assert back == [list(k) for k in keys]
    assert [type(v) for v in back[0]] == [datetime, int]
    assert back[0][0].tzinfo is not None and back[1][0].tzinfo is None


def test_a_plain_result_is_unchanged() -> None:
    result = {"rows": 3, "why": "shared", "bundles": [{"id": "b1", "keys": [[1], [2]]}]}
    assert encode(result) == result and decode(result) == result
