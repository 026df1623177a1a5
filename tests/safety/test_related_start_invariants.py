"""The sweep on random worlds whose rule starts at a related row's event (start.related).

Each example draws accounts, optional files and profiles (tests/safety/related_start.py),
sweeps at a fixed date and proves, from the rows alone, that exactly the profiles whose
own date and account's closing are both past the period were deleted (or archived, then
destroyed at start + active + archive), that a profile whose account is missing or live
was never touched and was counted as start unknown by the plan, that the plan's keys are
the ones the run removed and that a second run changes nothing. Accounts and files are
never touched. SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given
from sqlalchemy import Engine, MetaData, Table, create_engine, select

from garant.app import Garant
from garant.clock import FixedClock, local_date
from garant.retention import archive, sweep
from tests.conftest import write_workspace
from tests.retention.conftest import at
from tests.safety.conftest import KIND, examples
from tests.safety.related_start import (
    TODAY,
    RelatedWorld,
    build,
    datamap,
    drop,
    expected,
    policy,
    related_worlds,
    retention_yaml,
)


def _ids(engine: Engine, name: str) -> set[int]:
    table = Table(name, MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(select(table.c.id))}


def _open(root: Path, world: RelatedWorld, kind: str) -> Garant:
    ws = write_workspace(root, policy=policy(world))
    (ws / "datamap.yaml").write_text(datamap(world, kind), encoding="utf-8")
    (ws / "retention.yaml").write_text(retention_yaml(world), encoding="utf-8")
    return Garant.open(ws, clock=FixedClock(at(TODAY.isoformat())))


def check_world(root: Path, engine: Engine, world: RelatedWorld) -> list[str]:
    kind = KIND[engine.dialect.name]
    rows = build(world, engine)
    want = expected(world, rows)
    garant = _open(root, world, kind)
    problems: list[str] = []
    try:
        before = {n: _ids(engine, n) for n in rows.by}
        plan = {(r["collection"], r["action"]): r for r in sweep.plan(garant)}
        ends = [r for (c, _), r in plan.items() if c == "r.profiles"]
        unknown = max(r["no_start"] for r in ends)
        if unknown != len(want.unknown):
            problems.append(f"plan says {unknown} start unknown, the rows {sorted(want.unknown)}")
        due = sweep.due_keys(garant)
        planned = {k[0] for (c, _), keys in due.items() if c == "r.profiles" for k in keys}
        if planned != set(want.deleted | want.archived):
            problems.append(f"plan {sorted(planned)} != {sorted(want.deleted | want.archived)}")
        sweep.run(garant)
        after = {n: _ids(engine, n) for n in rows.by}
        gone = before["profiles"] - after["profiles"]
        if gone != want.deleted | want.archived:
            problems.append(f"removed {sorted(gone)}, due {sorted(want.deleted | want.archived)}")
        if gone & want.unknown:
            problems.append(f"start unknown yet removed: {sorted(gone & want.unknown)}")
        for name in ("accounts", "files"):
            if name in before and before[name] != after[name]:
                problems.append(f"{name} touched")
        problems += _bundles(garant, want.archived, want.ends)
        again = sweep.run(garant)
        if any(any(a.values()) for a in again.counts["collections"].values()):
            problems.append(f"a second run changed {again.counts['collections']}")
    finally:
        garant.close()
        drop(world, engine)
    return problems


def _bundles(garant: Garant, archived: Any, ends: Any) -> list[str]:
    """Every archived profile sits in a bundle destroyed at its own end, counted from the
    latest of its own date and its account's closing (never earlier)."""
    problems, seen = [], set()
    with garant.unit_of_work() as uow:
        bundles = archive.list_bundles(uow=uow)
    for bundle in bundles:
        day = local_date(bundle.expires_at, garant.timezone)
        for row in archive._decrypt(garant, bundle.id):
            seen.add(row["id"])
            if day != ends[row["id"]]:
                problems.append(f"profile {row['id']}: destroyed {day}, its end {ends[row['id']]}")
    if seen != set(archived):
        problems.append(f"bundles hold {sorted(seen)}, archived {sorted(archived)}")
    return problems


def test_related_start_keeps_until_the_related_date_and_reports_the_unknown(
    backend: str, tmp_path: Path, monkeypatch: Any
) -> None:
    """Issue 17 (start.related): random worlds on each backend."""
    monkeypatch.setenv("GARANT_SAFETY_URL", backend)
    engine = create_engine(backend)
    kind = KIND[engine.dialect.name]
    count = [0]

    @examples_for(kind)
    @given(world=related_worlds())
    def one(world: RelatedWorld) -> None:
        count[0] += 1
        problems = check_world(tmp_path / f"ws{count[0]}", engine, world)
        assert not problems, f"{world}:\n" + "\n".join(problems)

    try:
        one()
    finally:
        engine.dispose()


def examples_for(kind: str) -> Any:
    class _Kind:
        def __init__(self, kind: str) -> None:
            self.kind = kind

    return examples(_Kind(kind), {"sqlite": 8, "postgresql": 3, "mysql": 4})  # type: ignore[arg-type]
