"""Rows of one table that name each other in a chain longer than the predicates' depth
(``MAX_DEPTH``): the forecast is what the sweep does, and a second sweep finds nothing.

Staff row i names row i+1 as its manager (``meaning: context``, nullable). A row named
by a live row is not deleted; a row named only by rows this run deletes is (the run
clears those names first). The nested predicates stop at ``MAX_DEPTH`` and judge a deeper
relative kept while it exists, so the forecast kept the chain's upper rows that the run,
once the lower rows' names were cleared, deleted (issue 15, found by the long safety
profile with batches of 2: plan 5, run 6). ``steps.settle_self`` settles the deleted rows
before the run, and the plan, the gate and the sweep read the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Column, Date, ForeignKey, Integer, MetaData, Table, create_engine, insert
from sqlalchemy import select as sql_select

from garant.app import Garant
from garant.clock import FixedClock
from garant.retention import sweep
from garant.retention.models import RetentionApproval
from garant.retention.target import MAX_DEPTH
from tests.conftest import write_workspace
from tests.retention.conftest import at

LENGTH = 3 * MAX_DEPTH
RULES = """\
controller: {name: Chain}
timezone: Europe/Paris
country: FR
retention_rules:
  - {id: short, duration: 1 year, start: {latest: [created]}, then: delete}
"""
DATAMAP = """\
version: 1
systems:
  - id: chain
    kind: sqlite
    url_env: GARANT_TEST_CHAIN_URL
    collections:
      - name: staff
        primary_key: id
        references: [{column: manager_id, to: staff, meaning: context}]
        retention: {rule: short, dates: {created: created}}
"""


@pytest.fixture
def chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], Garant]]:
    """A chain 1 -> 2 -> ... -> LENGTH (each names the next); ``recent``: that row is
    within its year (0: every row is past it)."""
    url = f"sqlite:///{tmp_path / 'chain.db'}"
    monkeypatch.setenv("GARANT_TEST_CHAIN_URL", url)
    root = write_workspace(tmp_path / "ws", policy=RULES)
    (root / "datamap.yaml").write_text(DATAMAP, encoding="utf-8")
    (root / "retention.yaml").write_text("batch_size: 2\nmax_share: 1\n", encoding="utf-8")
    made: list[Garant] = []

    def open_(recent: int) -> Garant:
        meta = MetaData()
        staff = Table(
            "staff",
            meta,
            Column("id", Integer, primary_key=True, autoincrement=False),
            Column("manager_id", Integer, ForeignKey("staff.id"), nullable=True),
            Column("created", Date),
        )
        engine = create_engine(url)
        meta.create_all(engine)
        rows = [
            {
                "id": i,
                "manager_id": i + 1 if i < LENGTH else None,
                "created": date(2026, 1, 1) if i == recent else date(2010, 1, 1),
            }
            for i in range(1, LENGTH + 1)
        ]
        with engine.begin() as conn:
            conn.execute(insert(staff), rows)
        engine.dispose()
        garant = Garant.open(root, clock=FixedClock(at("2026-03-02")))
        made.append(garant)
        with garant.unit_of_work() as uow:
            uow.session.add(
                RetentionApproval(
                    approved_at=uow.now(), approved_by="t", day="2026-03-02", forecast={}
                )
            )
        return garant

    yield open_
    for g in made:
        g.close()


def _ids(garant: Garant) -> list[int]:
    engine = create_engine(str(garant.datamap.url_of(garant.datamap.system("chain"))))
    table = Table("staff", MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        found = [r[0] for r in conn.execute(sql_select(table.c.id).order_by(table.c.id))]
    engine.dispose()
    return found


def test_a_chain_past_its_period_is_planned_and_swept_whole(
    chain: Callable[[int], Garant],
) -> None:
    garant = chain(0)
    [row] = sweep.plan(garant)
    assert (row["due_now"], row["held"]) == (LENGTH, 0)
    assert sweep.due_keys(garant)[("chain.staff", "delete")] == {(i,) for i in range(1, LENGTH + 1)}
    run = sweep.run(garant, gated=True)
    assert run.status == "done"
    assert run.counts["collections"]["chain.staff"] == {"delete": LENGTH}
    assert _ids(garant) == []


def test_rows_a_kept_row_names_stay_and_the_plan_says_so(
    chain: Callable[[int], Garant],
) -> None:
    """Row 3 is within its year: it names 4, which names 5...: all of them stay; 1 and 2
    (nobody keeps a row that names a kept row) go, in the plan and in the run."""
    garant = chain(3)
    [row] = sweep.plan(garant)
    assert (row["due_now"], row["held"]) == (2, LENGTH - 3)
    assert row["held_reasons"] == {"referenced by a live row": LENGTH - 3}
    run = sweep.run(garant, gated=True)
    assert run.counts["collections"]["chain.staff"] == {"delete": 2}
    assert _ids(garant) == list(range(3, LENGTH + 1))
    again = sweep.run(garant, gated=True)
    assert again.counts["collections"]["chain.staff"] == {"delete": 0}
    assert _ids(garant) == list(range(3, LENGTH + 1))
