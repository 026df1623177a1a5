"""What the sweep does to one collection: its due predicates and the statements per batch.

A *step* is one action (archive, delete, anonymize) of one rule on one collection. Its
batches are key ranges: ``pk > low AND pk <= high AND due AND NOT held``; every statement
is set-based over that range, so a batch is a handful of statements whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    false,
    func,
    or_,
    select,
    true,
    update,
)

from garant.errors import ConfigError
from garant.retention.conditions import RetentionConfig
from garant.retention.rules import RuleSpec, as_date, cutoffs
from garant.retention.target import REFERENCED, Context, Target

MASK = "***"


@dataclass
class Step:
    target: Target
    rule: RuleSpec
    action: str
    due: ColumnElement[bool]
    held: ColumnElement[bool]
    reasons: dict[str, ColumnElement[bool]]

    @property
    def label(self) -> str:
        return f"{self.rule.id} · {self.target.name} · {self.action}"

    @property
    def todo(self) -> ColumnElement[bool]:
        return and_(self.due, ~self.held)

    def in_range(self, low: Any, high: Any) -> ColumnElement[bool]:
        pk = self.target.pk
        return and_(pk > low if low is not None else true(), pk <= high)

    def next_batch(self, conn: Connection, low: Any, size: int) -> tuple[int, Any]:
        """How many rows the next batch holds and its highest key."""
        pk = self.target.pk
        after = pk > low if low is not None else true()
        keys = select(pk.label("k")).where(after, self.todo).order_by(pk).limit(size).subquery()
        count, high = conn.execute(select(func.count(), func.max(keys.c.k))).one()
        return int(count), high

    def count(self, conn: Connection, where: ColumnElement[bool]) -> int:
        table = self.target.table
        return int(conn.execute(select(func.count()).select_from(table).where(where)).scalar_one())


def anonymous_values(target: Target) -> dict[str, Any]:
    """The values anonymization writes: NULL, or the map's fixed value or mask."""
    coll, table = target.collection, target.table
    values: dict[str, Any] = {}
    for spec in coll.fields:
        if spec.name not in table.c or spec.name in coll.key_columns:
            continue
        strategy = coll.strategy(spec)
        if strategy == "fixed":
            values[spec.name] = spec.erasure_value
        elif strategy == "mask" and table.c[spec.name].type.python_type is str:
            values[spec.name] = MASK
        else:
            values[spec.name] = None
    for column in coll.identity.values():
        if column in table.c and column not in coll.key_columns:
            values.setdefault(column, None)
    return values


def not_anonymous(target: Target) -> ColumnElement[bool]:
    table = target.table
    tests = [
        table.c[c].is_not(None) if v is None else or_(table.c[c].is_(None), table.c[c] != v)
        for c, v in anonymous_values(target).items()
    ]
    return or_(*tests) if tests else true()


def build_steps(targets: list[Target], rules: dict[str, RuleSpec], ctx: Context) -> list[Step]:
    out: list[Step] = []
    for target in targets:
        binding = target.collection.retention
        assert binding is not None
        rule = rules.get(binding.rule)
        if rule is None:
            continue  # the data map's loader reports a rule the policy lacks
        try:
            out.extend(steps_for(target, rule, ctx, ctx.today))
        except ConfigError as exc:
            # A binding the engine cannot read keeps every row of its collection, and the
            # forecast says why; one broken binding never stops the other collections.
            why: dict[str, ColumnElement[bool]] = {f"not swept: {exc}": true()}
            out.append(Step(target, rule, rule.then, true(), true(), why))
    return out


def steps_for(target: Target, rule: RuleSpec, ctx: Context, today: date) -> list[Step]:
    cut = cutoffs(rule, today)
    reasons = target.held_reasons(ctx)
    for name in undeclared(rule, target.system.id, ctx.config):
        # Never guess: a condition the engine cannot test keeps every row it may cover.
        reasons[f"{name} (not defined in retention.yaml)"] = true()
    held = or_(*reasons.values()) if reasons else false()
    # anonymizing in place breaks no reference: only deletions wait for the referrers
    ends = {k: v for k, v in reasons.items() if k != REFERENCED or rule.then == "delete"}
    end_held = or_(*ends.values()) if ends else false()
    active_over = target.due(rule.events, cut.active, ctx.timezone)
    steps: list[Step] = []
    if rule.archive is not None and cut.archive is not None:
        archive_over = target.due(rule.events, cut.archive, ctx.timezone)
        end = _end(target, rule, archive_over)
        steps.append(Step(target, rule, rule.then, end, end_held, ends))
        steps.append(Step(target, rule, "archive", and_(active_over, ~archive_over), held, reasons))
    else:
        end = _end(target, rule, active_over)
        steps.append(Step(target, rule, rule.then, end, end_held, ends))
    return steps


BUILT_IN = frozenset({"restriction", "legal_hold", "pending_request"})
"""Conditions the engine tests by itself: the map's restriction column, and holds (a
pending request places a hold on its person; see ``holds.add_hold(source=...)``)."""


def undeclared(rule: RuleSpec, system: str, config: RetentionConfig) -> list[str]:
    declared = {h.condition for h in config.held_while if h.system == system}
    return [c for c in rule.held_while if c not in BUILT_IN and c not in declared]


def _end(target: Target, rule: RuleSpec, due: ColumnElement[bool]) -> ColumnElement[bool]:
    return and_(due, not_anonymous(target)) if rule.then == "anonymize" else due


# --- statements ------------------------------------------------------------------------
def _children_of(target: Target, keys: Any) -> list[tuple[Target, Any]]:
    """Every descendant collection with a selectable of its rows owned by ``keys``."""
    out: list[tuple[Target, Any]] = []
    for child, ref in target.children():
        targets = child.collection.target_columns(ref, target.collection)
        if len(ref.columns) != 1 or len(targets) != 1:
            continue
        fk = child.table.c[ref.columns[0]]
        owned = fk.in_(keys)
        out.extend(_children_of(child, select(child.pk).where(owned)) if _has_pk(child) else [])
        out.append((child, owned))
    return out


def _has_pk(target: Target) -> bool:
    return len(target.collection.key_columns) == 1


def delete_rows(conn: Connection, target: Target, where: ColumnElement[bool]) -> tuple[int, int]:
    """Delete rows and, first, the child rows they own (depth first). Returns (rows, children)."""
    keys = select(target.pk).where(where)
    children = 0
    for child, owned in _children_of(target, keys):
        children += conn.execute(delete(child.table).where(owned)).rowcount
    rows = conn.execute(delete(target.table).where(where)).rowcount
    return rows, children


def anonymize_rows(conn: Connection, target: Target, where: ColumnElement[bool]) -> tuple[int, int]:
    """Anonymize rows and their children: owned rows are removed when the map deletes them."""
    keys = select(target.pk).where(where)
    children = 0
    for child, owned in _children_of(target, keys):
        values = anonymous_values(child)
        if child.collection.erasure == "delete_row" and not any(
            f.erasure for f in child.collection.fields
        ):
            children += conn.execute(delete(child.table).where(owned)).rowcount
        elif values:
            children += conn.execute(
                update(child.table).where(owned, not_anonymous(child)).values(**values)
            ).rowcount
    rows = conn.execute(
        update(target.table).where(where).values(**anonymous_values(target))
    ).rowcount
    return rows, children


def row_start(row: dict[str, Any], columns: list[str]) -> date | None:
    found = [as_date(row.get(c)) for c in columns]
    known = [d for d in found if d is not None]
    return max(known) if known else None


def archive_select(step: Step, where: ColumnElement[bool]) -> Any:
    """The archive extract: the key, the fields the duty requires, the start events."""
    target, table = step.target, step.target.table
    assert step.rule.archive is not None
    columns: list[Any] = [target.pk]
    columns += [table.c[f] for f in archive_fields(step) if f != target.pk.name]
    for event, spec in target.event_columns(step.rule.events):
        expr = target.latest_of(spec) if "." in spec else table.c[spec]
        columns.append(expr.label(f"_event_{event}"))
    return select(*columns).where(where).order_by(target.pk)


def archive_fields(step: Step) -> list[str]:
    """The columns the duty requires: named directly, or by data category (``contact``)."""
    assert step.rule.archive is not None
    wanted = step.rule.archive.fields
    table, coll = step.target.table, step.target.collection
    by_category = {f.name for f in coll.fields if f.category in wanted}
    return [c.name for c in table.c if c.name in wanted or c.name in by_category]


def local_midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), zone)
