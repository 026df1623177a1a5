"""The sweep on random schemas: every invariant of docs/retention.md, row by row.

Each example draws a world (tests/safety/world.py), sweeps it at a fixed date and proves
with tests/safety/checker.py that nothing kept was removed or rewritten, that the plan
listed exactly what the run did, that a second run changes nothing and that archived rows
are in bundles that keep their key and references, each destroyed at its own end.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given

from garant.clock import local_date
from garant.retention import archive, sweep
from tests.safety.checker import Snapshot, archive_end, check_sweep, snapshot, start_of
from tests.safety.conftest import Lab, examples
from tests.safety.world import KEYS, SYSTEM, World, refs_of, worlds


def sweep_and_check(lab: Lab, world: World) -> list[str]:
    """One world: plan, run, run again; the invariants that broke (empty: none)."""
    garant = lab.open(world)
    placed = lab.place_holds(world)
    before = snapshot(world, lab.engine)
    plan = sweep.plan(garant)
    due = sweep.due_keys(garant)
    first = sweep.run(garant)
    after = snapshot(world, lab.engine)
    problems = check_sweep(world, placed, before, after, plan, due, first.counts)
    problems += _archived(lab, world, before, after, due)
    again = sweep.run(garant)
    moved = {n: a for n, a in again.counts["collections"].items() if any(a.values())}
    if moved:
        problems.append(f"a second run at the same date changed {moved}")
    if snapshot(world, lab.engine) != after:
        problems.append("a second run at the same date changed rows")
    return problems


def _archived(lab: Lab, world: World, before: Snapshot, after: Snapshot, due: Any) -> list[str]:
    """Rows the plan archived are in a bundle with their key and references, and each
    bundle holds rows that share its destruction date."""
    garant = lab.garant
    assert garant is not None
    problems = []
    with garant.unit_of_work() as uow:
        bundles = archive.list_bundles(uow=uow)
    found: dict[tuple[str, tuple[Any, ...]], Any] = {}
    for bundle in bundles:
        i = int(bundle.collection[1:])
        keys = [c for c, _ in KEYS[world.specs[i].key]]
        links = [n for *_, names in refs_of(world, i) for n in names]
        for row in archive._decrypt(garant, bundle.id):
            missing = [c for c in keys + links if c not in row]
            if missing:
                problems.append(f"{bundle.collection}: bundle rows lack {missing}")
                continue
            by_text = {_text(k): k for k in before[i]}
            match = by_text.get(_text([row[c] for c in keys]))
            for k in [match] if match is not None else []:
                start = start_of(world, i, before[i][k])
                rule = world.specs[i].rule or ""
                own = start and archive_end(start, rule)
                day = local_date(bundle.expires_at, garant.timezone)
                if own and day != own and day != local_date(garant.clock.now(), garant.timezone):
                    problems.append(f"{bundle.collection}{k}: destroyed {day}, its end is {own}")
                found[(bundle.collection, k)] = bundle.id
    for (name, action), keys in due.items():
        if action != "archive":
            continue
        coll = name.split(".", 1)[1]
        for key in keys:
            if (coll, _norm_key(key)) not in found:
                problems.append(f"{name}{key}: archived by the plan, in no bundle")
    return problems


def _norm_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    from tests.safety.checker import _norm

    return tuple(_norm(v) for v in key)


def _text(values: Any) -> tuple[str, ...]:
    """A key as text, the same whether read from the database or from a bundle's JSON."""
    return tuple(str(v).replace("T", " ") for v in values)


def test_sweep_keeps_what_is_kept_and_does_what_it_planned(lab: Lab) -> None:
    """The checker's invariants hold on random worlds (SQLite, PostgreSQL, MariaDB)."""

    @examples(lab)
    @given(world=worlds())
    def sweep_world(world: World) -> None:
        problems = sweep_and_check(lab, world)
        assert not problems, f"{SYSTEM} world {world}:\n" + "\n".join(problems)

    sweep_world()
