"""Writing a demo database while recording, person by person, what was made for whom.

The record (the "ground truth") is what the tests compare discovery and export with: it
comes from the generator's own bookkeeping, never from Garant's traversal.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from faker import Faker
from sqlalchemy import Connection, MetaData, Table

BASE = datetime(2026, 3, 1, 9, 0)
FLUSH_AT = 20_000


class Builder:
    """Ids, a seeded Faker, batched inserts in foreign-key order, and the record."""

    def __init__(
        self,
        conn: Connection,
        metadata: MetaData,
        *,
        seed: int,
        record: bool = True,
        progress: Callable[[int], None] | None = None,
    ):
        self.conn = conn
        self.metadata = metadata
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.record = record
        self.people: list[dict[str, Any]] = []
        self._next: dict[str, int] = defaultdict(int)
        self._pending: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._count = 0
        self._emails: set[str] = set()
        self._progress = progress
        self._made = 0

    def person(self, identities: dict[str, str]) -> int:
        self._made += 1
        if self._progress is not None and self._made % 500 == 0:
            self._progress(self._made)
        if not self.record:
            return -1
        self.people.append({"identities": identities, "owned": {}, "context": {}})
        return len(self.people) - 1

    def unique_email(self) -> str:
        while True:
            email = (
                f"{self.fake.user_name()}{self.rng.randrange(1000)}@{self.fake.free_email_domain()}"
            )
            if email not in self._emails:
                self._emails.add(email)
                return email

    def moment(self, *, days_back: int) -> datetime:
        return BASE - timedelta(seconds=self.rng.randrange(days_back * 86400))

    def add(self, table: Table, row: dict[str, Any], *, owner: int | None = None) -> int:
        if "id" not in table.c:
            row = dict(row)
        elif "id" not in row:
            self._next[table.name] += 1
            row = {"id": self._next[table.name]} | row
        else:
            self._next[table.name] = max(self._next[table.name], int(row["id"]))
        self._pending[table.name].append(row)
        self._count += 1
        if owner is not None and owner >= 0:
            self.people[owner]["owned"].setdefault(table.name, []).append(row["id"])
        if self._count >= FLUSH_AT:
            self.flush()
        return int(row.get("id", 0))

    def context(self, owner: int, table: Table, row_id: int | str) -> None:
        if owner >= 0:
            found = self.people[owner]["context"].setdefault(table.name, [])
            if row_id not in found:
                found.append(row_id)

    def flush(self) -> None:
        """Insert what is pending, parents before children, in batches."""
        for table in self.metadata.sorted_tables:
            rows = self._pending.pop(table.name, [])
            for start in range(0, len(rows), 1000):
                self.conn.execute(table.insert(), rows[start : start + 1000])
        self._count = 0

    def truth(self, example: str, seed: int) -> dict[str, Any]:
        return {"example": example, "seed": seed, "persons": self.people}
