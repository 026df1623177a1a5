"""A deep ``owns`` chain on SQLite: ten levels, each under a rule of its own.

The due and held predicates nest a correlated EXISTS per generation (kept descendants,
held owners, live referrers, a related row's date). SQLite before 3.45 parses with a fixed
stack and failed with "parser stack overflow" on the Alliance Française demo; this chain
is deeper than any example, with a referrer at every level and a start read on the root
(start.related through nine hops). ``retention plan``, the approval gate and the sweep
must run, and do what the rows say: a chain whose rows are all past their periods goes
whole in one run; a chain whose deepest row is recent stays whole.
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
from garant.retention.approval import approved_once
from garant.retention.models import RetentionApproval
from tests.conftest import write_workspace
from tests.retention.conftest import at

DEPTH = 10
RULES = """\
controller: {name: Deep}
timezone: Europe/Paris
country: FR
retention_rules:
  - {id: short, duration: 1 year, start: {latest: [created]}, then: delete}
  - {id: long, duration: 3 years, start: {latest: [created]}, then: delete}
  - id: leaf
    duration: 1 year
    start: {latest: [created], related: {via: VIA, event: closed}}
    then: delete
"""


def _tables(meta: MetaData) -> list[Table]:
    out = []
    for i in range(DEPTH):
        cols = [Column("id", Integer, primary_key=True, autoincrement=False)]
        if i:
            cols.append(Column("parent_id", Integer, ForeignKey(f"l{i - 1}.id"), nullable=True))
        cols += [Column("created", Date), Column("closed", Date)]
        out.append(Table(f"l{i}", meta, *cols))
        # a row of another collection names each level's rows (a live referrer)
        out.append(
            Table(
                f"n{i}",
                meta,
                Column("id", Integer, primary_key=True, autoincrement=False),
                Column("target_id", Integer, ForeignKey(f"l{i}.id"), nullable=True),
            )
        )
    return out


def _datamap() -> str:
    colls = []
    for i in range(DEPTH):
        rule = "leaf" if i == DEPTH - 1 else ("short" if i % 2 else "long")
        refs = f"references: [{{column: parent_id, to: l{i - 1}, meaning: owns}}]" if i else ""
        colls.append(
            f"      - name: l{i}\n        primary_key: id\n"
            + (f"        {refs}\n" if refs else "")
            + f"        retention: {{rule: {rule}, dates: {{created: created}}}}\n"
        )
        colls.append(
            f"      - name: n{i}\n        primary_key: id\n"
            f"        references: [{{column: target_id, to: l{i}, meaning: context}}]\n"
        )
    return (
        "version: 1\nsystems:\n  - id: deep\n    kind: sqlite\n    url_env: GARANT_TEST_DEEP_URL\n"
        "    collections:\n" + "".join(colls)
    )


@pytest.fixture
def deep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Garant]]:
    url = f"sqlite:///{tmp_path / 'deep.db'}"
    monkeypatch.setenv("GARANT_TEST_DEEP_URL", url)
    via = ".".join([f"l{i}" for i in range(DEPTH - 2, -1, -1)])
    root = write_workspace(tmp_path / "ws", policy=RULES.replace("VIA", via))
    (root / "datamap.yaml").write_text(_datamap(), encoding="utf-8")
    (root / "retention.yaml").write_text("batch_size: 2\nmax_share: 1\n", encoding="utf-8")
    meta = MetaData()
    tables = {t.name: t for t in _tables(meta)}
    engine = create_engine(url)
    meta.create_all(engine)
    old, recent = date(2010, 1, 1), date(2026, 1, 1)
    with engine.begin() as conn:
        for i in range(DEPTH):
            last = i == DEPTH - 1
            rows = [  # chain 1: everything old; chain 2: the leaf recent
                {"id": 1, "created": old, "closed": old},
                {"id": 2, "created": recent if last else old, "closed": old},
                {"id": 3, "created": old, "closed": None},  # chain 3: the root never closed
            ]
            for r in rows:
                r["parent_id"] = r["id"] if i else None
                if not i:
                    r.pop("parent_id")
            conn.execute(insert(tables[f"l{i}"]), rows)
    engine.dispose()
    made: list[Garant] = []

    def open_(day: str) -> Garant:
        garant = Garant.open(root, clock=FixedClock(at(day)))
        made.append(garant)
        with garant.unit_of_work() as uow:
            if not approved_once(uow):
                uow.session.add(
                    RetentionApproval(approved_at=uow.now(), approved_by="t", day=day, forecast={})
                )
        return garant

    yield open_
    for g in made:
        g.close()


def _ids(garant: Garant, name: str) -> list[int]:
    engine = create_engine(str(garant.datamap.url_of(garant.datamap.system("deep"))))
    table = Table(name, MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        found = [r[0] for r in conn.execute(sql_select(table.c.id).order_by(table.c.id))]
    engine.dispose()
    return found


def test_a_ten_level_chain_plans_and_sweeps_on_sqlite(deep: Callable[[str], Garant]) -> None:
    garant = deep("2026-03-02")
    plan = {(r["collection"], r["action"]): r for r in sweep.plan(garant)}
    assert not [r for r in plan.values() if any("not swept" in k for k in r["held_reasons"])]
    assert plan[("deep.l9", "delete")]["due_now"] == 1, "chain 1's leaf"
    assert plan[("deep.l9", "delete")]["no_start"] == 1, "chain 3: its root never closed"
    run = sweep.run(garant, gated=True)
    assert run.status != "waiting", run.counts
    for i in range(DEPTH):
        assert _ids(garant, f"l{i}") == [2, 3], f"level {i}: chain 1 gone, chains 2 and 3 kept"


def test_a_predicate_too_deep_for_sqlite_keeps_its_rows_and_says_why(
    deep: Callable[[str], Garant], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Followed twelve generations down (instead of four), the leaf's ancestors' predicates
    overflow SQLite 3.40's parser: those steps are refused before the run, every row of
    their collections kept, and the plan says why; the other steps still run."""
    import sqlite3

    from garant.retention import target

    if sqlite3.sqlite_version_info >= (3, 45):
        pytest.skip("this SQLite parses any depth: nothing to refuse")
    monkeypatch.setattr(target, "MAX_DEPTH", 12)
    garant = deep("2026-03-02")
    plan = {(r["collection"], r["action"]): r for r in sweep.plan(garant)}
    refused = sorted(
        c for (c, _), r in plan.items() if any("too deep" in k for k in r["held_reasons"])
    )
    assert refused and "deep.l9" not in refused, refused
    sweep.run(garant, gated=True)
    for name in refused:
        assert _ids(garant, name.split(".")[1]) == [1, 2, 3], f"{name}: refused, all kept"
    assert _ids(garant, "l9") == [2, 3], "the leaf's own step still ran"
