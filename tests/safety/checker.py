"""The invariants of a sweep, proved row by row against a snapshot taken before it.

The checker does not trust the engine's predicates: it recomputes, in Python and from the
rows themselves, which rows a rule, a hold, a restriction, an immutable or shared
collection or a live relative keeps, and fails with the row's collection and key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Engine, MetaData, Table, select

from tests.safety.world import EVENTS, KEYS, SYSTEM, TODAY, World, refs_of

DURATION = {"short": 1, "pay": 1, "anon": 2, "long": 6}
ARCHIVE = {"pay": 10}

Key = tuple[Any, ...]
Snapshot = dict[int, dict[Key, dict[str, Any]]]


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    return value


def snapshot(world: World, engine: Engine) -> Snapshot:
    meta = MetaData()
    out: Snapshot = {}
    with engine.connect() as conn:
        for i, spec in enumerate(world.specs):
            table = Table(world.name(i), meta, autoload_with=conn)
            keys = [c for c, _ in KEYS[spec.key]]
            rows = [dict(r) for r in conn.execute(select(table)).mappings()]
            out[i] = {
                tuple(_norm(r[k]) for k in keys): {k: _norm(v) for k, v in r.items()} for r in rows
            }
    return out


def start_of(world: World, i: int, row: dict[str, Any]) -> date | None:
    rule = world.specs[i].rule
    assert rule is not None
    days = [
        v.date() if isinstance(v, datetime) else v
        for v in (row[e] for e in EVENTS[rule])
        if v is not None
    ]
    return max(days) if days else None


def phase(world: World, i: int, row: dict[str, Any]) -> str:
    """active, archive (due to the archive), end (due to the end action), or no_start."""
    rule = world.specs[i].rule
    assert rule is not None
    start = start_of(world, i, row)
    if start is None:
        return "no_start"
    if start + relativedelta(years=DURATION[rule]) > TODAY:
        return "active"
    if rule in ARCHIVE and archive_end(start, rule) > TODAY:
        return "archive"
    return "end"


def archive_end(start: date, rule: str) -> date:
    """L123-22: ten years from the closing of the financial year (31 December here) in
    which the active phase ended."""
    ended = start + relativedelta(years=DURATION[rule])
    return date(ended.year, 12, 31) + relativedelta(years=ARCHIVE[rule])


@dataclass
class Holds:
    collections: set[int] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)

    def own(self, world: World, i: int, row: dict[str, Any]) -> str | None:
        if i in self.collections:
            return "legal hold (collection)"
        if row.get("email") and row["email"].lower() in self.emails:
            return "legal hold (person)"
        if world.specs[i].restriction and row.get("restricted") == 1:
            return "restriction"
        return None


def _pointed(
    world: World, i: int, row: dict[str, Any], meaning: str | None = None
) -> list[tuple[int, Key]]:
    """The rows ``row`` names (collection, key), by its non-null references."""
    out = []
    for _, to, means, _, names in refs_of(world, i):
        if meaning is not None and means != meaning:
            continue
        value = tuple(row[n] for n in names)
        if all(v is not None for v in value):
            out.append((to, tuple(_norm(v) for v in value)))
    return out


def owners_held(
    world: World, holds: Holds, snap: Snapshot, i: int, row: dict[str, Any], depth: int = 0
) -> str | None:
    for to, key in _pointed(world, i, row, "owns"):
        owner = snap[to].get(key)
        if owner is None or depth > 6:
            continue
        why = holds.own(world, to, owner) or owners_held(world, holds, snap, to, owner, depth + 1)
        if why:
            return f"owner {world.name(to)}{key} held: {why}"
    return None


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)

    def fail(self, text: str) -> None:
        self.problems.append(text)


def check_sweep(
    world: World,
    holds: Holds,
    before: Snapshot,
    after: Snapshot,
    plan: list[dict[str, Any]],
    due: dict[tuple[str, str], set[Key]],
    counts: dict[str, Any],
) -> list[str]:
    """Every invariant of one sweep; the list of what broke (empty: all hold)."""
    report = Report()
    due = {k: {tuple(_norm(v) for v in key) for key in keys} for k, keys in due.items()}
    _plan_is_run(world, plan, due, counts, report)
    for i, spec in enumerate(world.specs):
        gone = set(before[i]) - set(after[i])
        changed = {k for k in set(before[i]) & set(after[i]) if before[i][k] != after[i][k]}
        name = f"{SYSTEM}.{world.name(i)}"
        for key in sorted(gone, key=repr):
            _check_gone(world, holds, before, after, i, key, report)
        if spec.rule:
            planned = due.get((name, "delete"), set()) | due.get((name, "archive"), set())
            if gone != planned:
                report.fail(
                    f"{name}: plan said remove {sorted(planned, key=repr)}, "
                    f"run removed {sorted(gone, key=repr)}"
                )
        for key in changed:
            _check_changed(world, holds, before, after, i, key, due, report)
        _kept_named(world, holds, before, after, i, plan, report)
    _no_orphans(world, after, report)
    return report.problems


def _plan_is_run(
    world: World,
    plan: list[dict[str, Any]],
    due: dict[tuple[str, str], set[Key]],
    counts: dict[str, Any],
    report: Report,
) -> None:
    for row in plan:
        done = counts["collections"].get(row["collection"], {}).get(row["action"], 0)
        if done != row["due_now"]:
            report.fail(f"{row['collection']} {row['action']}: plan {row['due_now']}, run {done}")
        keys = due.get((row["collection"], row["action"]), set())
        if len(keys) != row["due_now"]:
            report.fail(
                f"{row['collection']} {row['action']}: plan counts {row['due_now']}, "
                f"lists {len(keys)} keys"
            )
        if row["held"] and not row["held_reasons"]:
            report.fail(f"{row['collection']} {row['action']}: {row['held']} held without a reason")


def _check_gone(
    world: World, holds: Holds, before: Snapshot, after: Snapshot, i: int, key: Key, report: Report
) -> None:
    spec, row = world.specs[i], before[i][key]
    where = f"{SYSTEM}.{world.name(i)}{key}"
    why = holds.own(world, i, row) or owners_held(world, holds, before, i, row)
    if why:
        report.fail(f"{where} removed although kept: {why}")
    if spec.rule:
        if phase(world, i, row) in ("active", "no_start"):
            report.fail(f"{where} removed in its active phase (start {start_of(world, i, row)})")
        return
    if spec.immutable or spec.shared:
        report.fail(f"{where} removed although {'immutable' if spec.immutable else 'shared'}")
    owners = _pointed(world, i, row, "owns")
    if not any(key_ not in after[to] for to, key_ in owners):
        report.fail(f"{where} removed without a rule of its own and with no owner removed")


def _check_changed(
    world: World,
    holds: Holds,
    before: Snapshot,
    after: Snapshot,
    i: int,
    key: Key,
    due: dict[tuple[str, str], set[Key]],
    report: Report,
) -> None:
    spec, old, new = world.specs[i], before[i][key], after[i][key]
    where = f"{SYSTEM}.{world.name(i)}{key}"
    diff = {c for c in old if old[c] != new[c]}
    if not diff <= {"email", "note"} or any(new[c] is not None for c in diff):
        report.fail(f"{where} changed beyond anonymization: {sorted(diff)}")
    if (
        spec.immutable
        or spec.shared
        or holds.own(world, i, old)
        or owners_held(world, holds, before, i, old)
    ):
        report.fail(f"{where} anonymized although kept")
    mine = key in due.get((f"{SYSTEM}.{world.name(i)}", "anonymize"), set())
    owner = any(
        k in due.get((f"{SYSTEM}.{world.name(to)}", "anonymize"), set())
        for to, k in _pointed(world, i, old, "owns")
    )
    if not (mine or owner):
        report.fail(f"{where} anonymized but the plan did not list it or its owner")
    if spec.rule and phase(world, i, old) in ("active", "no_start"):
        report.fail(f"{where} anonymized in its active phase")


def _kept_named(
    world: World,
    holds: Holds,
    before: Snapshot,
    after: Snapshot,
    i: int,
    plan: list[dict[str, Any]],
    report: Report,
) -> None:
    """A row past its period and still there, unchanged, is counted held, with a reason."""
    spec = world.specs[i]
    if not spec.rule:
        return
    name = f"{SYSTEM}.{world.name(i)}"
    kept = {"archive": 0, "end": 0}
    empty = 0
    for key, row in before[i].items():
        now = after[i].get(key)
        p = phase(world, i, row)
        empty += p == "no_start"
        anonymous = spec.rule == "anon" and row["email"] is None and row["note"] is None
        if p in kept and now == row and not anonymous:
            kept[p] += 1
    rows = {r["action"]: r for r in plan if r["collection"] == name}
    end = "anonymize" if spec.rule == "anon" else "delete"
    for phase_, action in (("archive", "archive"), ("end", end)):
        got = rows.get(action, {}).get("held", 0) if action in rows else 0
        refused = any(
            r.startswith("not swept") for r in rows.get(action, {}).get("held_reasons", {})
        )
        if refused and got == len(before[i]):
            continue  # a binding the engine refuses keeps every row, with the reason
        if action in rows and got != kept[phase_]:
            report.fail(
                f"{name} {action}: {kept[phase_]} rows past their period kept, plan says {got} held"
            )
    reported = max((r.get("no_start", 0) for r in rows.values()), default=0)
    if reported != empty:
        report.fail(f"{name}: {empty} rows without a start date, plan reports {reported}")


def _no_orphans(world: World, after: Snapshot, report: Report) -> None:
    for i in range(len(world.specs)):
        for key, row in after[i].items():
            for to, k in _pointed(world, i, row):
                if k not in after[to]:
                    report.fail(
                        f"{SYSTEM}.{world.name(i)}{key} names {world.name(to)}{k}, which is gone"
                    )
