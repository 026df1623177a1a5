"""The approval gate walks each step's due rows in the sweep's own batches and hands them
to the sweep (``Step.plan``), so a gated sweep does not find its batches twice; the rows
and batches are those of a sweep without the gate, and a batch the run changed is found
again (issue 15: the sweep stays where docs/benchmarks.md has it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from garant.retention import sweep
from garant.retention.models import RetentionApproval, RetentionBatch
from tests.retention.conftest import School

DAY = "2026-03-02"


@contextmanager
def probes() -> Iterator[list[str]]:
    """The statements that look for a batch's last key (its ``OFFSET`` in key order)."""
    seen: list[str] = []

    def spy(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if re.search(
            r"FROM audience_hits .*ORDER BY audience_hits\.id\s+LIMIT .*OFFSET", statement, re.S
        ):
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", spy)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", spy)


def fill(school: School) -> None:
    """7 hits past their 13 months, 3 recent, interleaved (batches of 2: 4 batches)."""
    for i in range(1, 11):
        seen = "2026-02-01 10:00:00" if i % 3 == 0 else "2024-01-01 10:00:00"
        school.sql("INSERT INTO audience_hits VALUES (:i, :c, :s)", i=i, c=f"c{i}", s=seen)


def batches(school: School) -> list[tuple[Any, ...]]:
    assert school.garant is not None
    with school.garant.unit_of_work() as uow:
        rows = uow.session.execute(
            select(RetentionBatch.key_low, RetentionBatch.key_high, RetentionBatch.planned,
                   RetentionBatch.applied).where(RetentionBatch.target == "school.audience_hits")
            .order_by(RetentionBatch.id)
        )  # fmt: skip
        return [tuple(r) for r in rows]


def test_a_gated_sweep_takes_the_batches_its_gate_walked(school: School) -> None:
    fill(school)
    garant = school.open(DAY)
    with probes() as seen:
        run = sweep.run(garant, gated=True)
    assert run.status == "done" and run.counts["collections"]["school.audience_hits"] == {
        "delete": 7
    }
    assert school.ids("audience_hits") == [3, 6, 9]
    gated = batches(school)
    assert [b[2:] for b in gated] == [(2, 2), (2, 2), (2, 2), (1, 1)]
    # the gate's walk (5 looks: 3 full batches, a short one, the end) and the sweep's
    # last look only; without the gate's batches it would be 10
    assert len(seen) == 6, seen


def test_the_same_batches_without_the_gate(school: School) -> None:
    fill(school)
    garant = school.open(DAY)
    with probes() as seen:
        sweep.run(garant)
    assert school.ids("audience_hits") == [3, 6, 9]
    assert [b[2:] for b in batches(school)] == [(2, 2), (2, 2), (2, 2), (1, 1)]
    assert len(seen) == 5  # one look per batch and a last one: the gate adds none
    again = sweep.run(garant, gated=True)
    assert again.counts["collections"].get("school.audience_hits", {}).get("delete", 0) == 0


def test_a_gate_that_waits_leaves_every_row_and_counts_past_the_share(school: School) -> None:
    fill(school)
    (school.root / "retention.yaml").write_text(
        (school.root / "retention.yaml").read_text().replace("max_share: 1", "max_share: 0.5")
    )
    garant = school.open(DAY)
    with garant.unit_of_work() as uow:  # today's approval covers fewer rows than are due
        uow.session.add(
            RetentionApproval(approved_at=uow.now(), approved_by="dpo", day=DAY,
                              forecast={"school.audience_hits delete": 3})
        )  # fmt: skip
    run = sweep.run(garant, gated=True)
    assert run.status == "waiting"
    assert any("school.audience_hits: delete 7 of 10 rows (70 % > 50 %)" in w
               for w in run.counts["waiting"])  # fmt: skip
    assert len(school.ids("audience_hits")) == 10
