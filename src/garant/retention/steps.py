"""What the sweep does to one collection: its due predicates and the statements per batch.

A *step* is one action (archive, delete, anonymize) of one rule on one collection. Its
batches are key ranges: ``pk > low AND pk <= high AND due AND NOT held``; every statement
is set-based over that range, so a batch is a handful of statements whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    false,
    func,
    literal,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.exc import OperationalError

from garant.errors import ConfigError
from garant.retention.conditions import RetentionConfig
from garant.retention.rules import RuleSpec, as_date, cutoffs
from garant.retention.target import REFERENCED, Context, Target


def as_key(value: Any, target: Target) -> Any:
    """A key value as the statement compares it: a tuple for a composite key."""
    if value is None:
        return None
    values = value if isinstance(value, tuple | list) else (value,)
    if len(target.keys) == 1:
        return values[0]
    return tuple_(*(literal(v, c.type) for v, c in zip(values, target.keys, strict=True)))


MASK = "***"


@dataclass
class Step:
    target: Target
    rule: RuleSpec
    action: str
    due: ColumnElement[bool]
    held: ColumnElement[bool]
    reasons: dict[str, ColumnElement[bool]]
    unlink: ColumnElement[bool] | None = None
    """Rows whose self-references are cleared before the collection's first batch: the
    ones its end step deletes (rows of one table naming each other fall in any batch)."""
    deep: bool | None = None
    """SQLite cannot parse the deletion of its owned rows (``nests_too_deep``, once)."""
    plan: list[tuple[Any, int, Any, int]] = field(default_factory=list)
    """Batches found before the run by the approval gate, which walks the due rows as the
    sweep takes them (``low, rows, high, size``): the sweep takes them instead of finding
    each batch again (one pass over the due rows, not two). Kept only where nothing the
    run does before this step can change which rows are due (see ``approval``)."""

    @property
    def no_start(self) -> ColumnElement[bool] | None:
        """Rows never due because every start date of their own is empty (reported)."""
        try:
            return self.target.no_start(self.rule.events)
        except ConfigError:
            return None

    @property
    def self_linked(self) -> bool:
        """Rows of this collection name rows of it (or rows they own) through a nullable
        reference: their deletions may meet in different batches."""
        return bool(_self_columns(self.target))

    @property
    def label(self) -> str:
        return f"{self.rule.id} · {self.target.name} · {self.action}"

    @property
    def todo(self) -> ColumnElement[bool]:
        # a condition on a NULL column is unknown, never "held": coalesce before negating
        return and_(self.due, ~func.coalesce(self.held, false()))

    def in_range(self, low: Any, high: Any) -> ColumnElement[bool]:
        """``low < key <= high`` on the key as a row value (any number and type of columns)."""
        key = self.target.key
        lo, hi = as_key(low, self.target), as_key(high, self.target)
        return and_(key > lo if low is not None else true(), key <= hi)

    def next_batch(self, conn: Connection, low: Any, size: int) -> tuple[int, Any]:
        """How many rows the next batch holds and its highest key.

        Without a subquery: SQLite (before 3.45) parses with a fixed stack, and the due
        predicate of a collection with many kept descendants, wrapped in one more SELECT,
        overflowed it ("parser stack overflow") on the Alliance Française demo. The batch's
        last key is read at its offset; a last, short batch is counted and its highest key
        read by aggregates (no key list through Python). A batch the gate already found
        (``plan``) is taken as it is; the last call always looks again."""
        if self.plan:
            start, rows, high, planned_size = self.plan[0]
            if start == low and planned_size == size:
                del self.plan[0]
                return rows, high
            self.plan.clear()  # another walk than the gate's: find every batch again
        target = self.target
        after = target.key > as_key(low, target) if low is not None else true()
        last = (
            select(*target.keys)
            .where(after, self.todo)
            .order_by(*target.keys)
            .offset(size - 1)
            .limit(1)
        )
        found = conn.execute(last).first()
        if found is not None:
            return size, (found[0] if len(target.keys) == 1 else tuple(found))
        if len(target.keys) == 1:
            count, high = conn.execute(
                select(func.count(), func.max(target.keys[0])).where(after, self.todo)
            ).one()
            return int(count), (high if count else None)
        count = self.count(conn, and_(after, self.todo))
        if not count:
            return 0, None
        top = select(*target.keys).where(after, self.todo)
        row = conn.execute(top.order_by(*(k.desc() for k in target.keys)).limit(1)).one()
        return count, tuple(row)

    def count_upto(self, conn: Connection, where: ColumnElement[bool], limit: int) -> int:
        """``count`` stopped at ``limit`` (enough to compare with a threshold), read as the
        presence of a row at offset ``limit - 1`` (no subquery: see ``next_batch``)."""
        probe = select(self.target.keys[0]).where(where).offset(limit - 1).limit(1)
        if conn.execute(probe).first() is not None:
            return limit
        return self.count(conn, where)

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
    """Every step of the run, each checked whole before anything changes: its key, its
    columns and the statements over its descendants are built here, so a shape the engine
    cannot handle is refused (and reported) before the first batch, never half way."""
    ctx = ctx if ctx.rules else replace(ctx, rules=rules)
    out: list[Step] = []
    for target in targets:
        binding = target.collection.retention
        assert binding is not None
        rule = rules.get(binding.rule)
        if rule is None:
            continue  # the data map's loader reports a rule the policy lacks
        try:
            steps = steps_for(target, rule, ctx, ctx.today)
            for step in steps:
                preflight(step)
            out.extend(steps)
        except ConfigError as exc:
            # A binding the engine cannot read keeps every row of its collection, and the
            # forecast says why; one broken binding never stops the other collections.
            why: dict[str, ColumnElement[bool]] = {f"not swept: {exc}": true()}
            out.append(Step(target, rule, rule.then, true(), true(), why))
    return out


def steps_for(
    target: Target, rule: RuleSpec, ctx: Context, today: date, depth: int = 0
) -> list[Step]:
    if rule.then == "anonymize" and target.collection.immutable:
        raise ConfigError(
            f"{target.name} is immutable (never overwritten): rule {rule.id} anonymizes in "
            "place; give the collection a rule that deletes or archives"
        )
    cut = cutoffs(rule, today)
    reasons = target.held_reasons(ctx, depth)
    for name in undeclared(rule, target.system.id, ctx.config):
        # Never guess: a condition the engine cannot test keeps every row it may cover.
        reasons[f"{name} (not defined in retention.yaml)"] = true()
    held = or_(*reasons.values()) if reasons else false()
    # anonymizing in place breaks no reference: only deletions wait for the referrers
    ends = {k: v for k, v in reasons.items() if k != REFERENCED or rule.then == "delete"}
    end_held = or_(*ends.values()) if ends else false()
    active_over = target.due(rule.events, cut.active, ctx.timezone)
    if rule.archive is not None and cut.archive is not None:
        archive_over = target.due(rule.events, cut.archive, ctx.timezone)
        last = Step(target, rule, rule.then, _end(target, rule, archive_over), end_held, ends)
        due = and_(active_over, ~archive_over)
        # archived first: a row the end step deletes may be named by one being archived
        steps = [Step(target, rule, "archive", due, held, reasons), last]
    else:
        last = Step(target, rule, rule.then, _end(target, rule, active_over), end_held, ends)
        steps = [last]
    if rule.then == "delete":
        for step in steps:
            step.unlink = last.todo
    return steps


SETTLE_ROUNDS = 50
"""How many times ``settle_self`` widens a collection's deleted rows before it stops."""


def settle_self(steps: list[Step], rules: dict[str, RuleSpec], ctx: Context) -> list[Step]:
    """The rows a deletion takes from a collection whose rows name each other, settled
    before the run, so that the forecast is what the run does and a second run finds
    nothing left.

    A row named only by rows this run deletes is not named by a live row: the run clears
    those names first (``unlink_self``), then the row is due like any other. The nested
    predicates judge a relative beyond ``MAX_DEPTH`` as kept while it exists, so alone
    they kept such a row in the forecast that the run, once the names were cleared,
    deleted (a chain of rows naming each other). Here the deleted keys are read, the
    collection's steps rebuilt with those rows known gone (``Context.gone``: they keep
    nothing), until the keys read are the keys given. Only collections whose rows name
    each other through a nullable reference (``Step.self_linked``); the keys are the ones
    ``unlink_self`` reads anyway."""
    ctx = ctx if ctx.rules else replace(ctx, rules=rules)
    out = list(steps)
    for i, step in enumerate(steps):
        if step.unlink is None or step.action != "delete" or not step.self_linked:
            continue
        target = step.target
        name = (target.system.id, target.collection.name)
        first = i - (1 if i and steps[i - 1].target is target else 0)
        with target.dbs.engine(target.system).connect() as conn:
            keys = frozenset(_settle_keys(conn, target, step.todo))
            if not keys:
                continue
            for _ in range(SETTLE_ROUNDS):
                ctx = replace(ctx, gone={**ctx.gone, name: tuple(sorted(keys))})
                built = steps_for(target, step.rule, ctx, ctx.today)
                found = frozenset(_settle_keys(conn, target, built[-1].todo))
                if found == keys:
                    break
                keys = found
        for j, new in enumerate(built):
            if out[first + j].unlink is not None:  # not one ``parsable`` refused
                out[first + j] = new
    return out


BUILT_IN = frozenset({"restriction", "legal_hold", "pending_request"})
"""Conditions the engine tests by itself: the map's restriction column, and holds (a
pending request places a hold on its person; see ``holds.add_hold(source=...)``)."""


def undeclared(rule: RuleSpec, system: str, config: RetentionConfig) -> list[str]:
    declared = {h.condition for h in config.held_while if h.system == system}
    return [c for c in rule.held_while if c not in BUILT_IN and c not in declared]


def _end(target: Target, rule: RuleSpec, due: ColumnElement[bool]) -> ColumnElement[bool]:
    return and_(due, not_anonymous(target)) if rule.then == "anonymize" else due


# --- statements ------------------------------------------------------------------------
def preflight(step: Step) -> None:
    """Build (without running) every statement a batch of ``step`` would send."""
    target = step.target
    select(*target.keys).where(step.todo).compile(dialect=target.dbs.dialect(target.system))
    _children_of(target, select(*target.keys).where(false()), [target.collection.name])
    if step.action == "archive":
        archive_select(step, false())


def _owned(child: Target, ref: Any, parent: Target, parents: Any) -> ColumnElement[bool]:
    """Child rows owned by the parent rows ``parents`` selects (a row value IN a subquery)."""
    targets = child.collection.target_columns(ref, parent.collection)
    for c, t in zip(ref.columns, targets, strict=True):
        if c not in child.table.c or t not in parent.table.c:
            raise ConfigError(f"{child.name}: reference {c} -> {parent.name}.{t} not in the tables")
    fk = [child.table.c[c] for c in ref.columns]
    ids = parents.with_only_columns(*(parent.table.c[t] for t in targets))
    return (fk[0] if len(fk) == 1 else tuple_(*fk)).in_(ids)


def _children_of(target: Target, parents: Any, seen: list[str]) -> list[tuple[Target, Any]]:
    """Every descendant collection with a predicate of its rows owned by ``parents`` (a
    select over ``target``), deepest first. A cycle of ``owns`` is followed once."""
    out: list[tuple[Target, Any]] = []
    for child, ref in target.children():
        if child.collection.name in seen:
            continue
        base = Target(child.dbs, child.system, child.collection)
        owned = _owned(base, ref, target, parents)
        below = select(*base.keys).where(owned) if base.collection.key_columns else None
        if below is not None:
            out.extend(_children_of(base, below, [*seen, child.collection.name]))
        out.append((base, owned))
    return out


def _unlink(conn: Connection, doomed: list[tuple[Target, Any]]) -> None:
    """Rows about to go stop naming each other (a household and the customer who owns it
    and lives in it): nullable non-owning references among them are cleared first, so
    the deletion order never trips a foreign key."""
    names = {t.collection.name for t, _ in doomed}
    for target, where in doomed:
        cols = {
            c: None
            for ref in target.collection.references
            if ref.meaning != "owns" and ref.to in names
            for c in ref.columns
            if c in target.table.c and target.table.c[c].nullable
        }
        if cols:
            conn.execute(update(target.table).where(where).values(**cols))


def _self_columns(target: Target) -> list[str]:
    """Nullable columns by which these rows name rows their own deletion takes: rows of
    the same table, or rows they own (a customer naming the household it owns)."""
    table = target.table
    closure = {target.collection.name} | _descendants(target, [target.collection.name])
    return [
        c
        for ref in target.collection.references
        if ref.meaning != "owns" and ref.to in closure
        for c in ref.columns
        if c in table.c and table.c[c].nullable
    ]


def _descendants(target: Target, seen: list[str]) -> set[str]:
    out: set[str] = set()
    for child, _ in target.children():
        name = child.collection.name
        if name not in seen:
            out |= {name} | _descendants(child, [*seen, name])
    return out


def unlink_self(conn: Connection, step: Step) -> int:
    """Clear the self-references of the rows the collection's end step deletes."""
    cols = _self_columns(step.target)
    if step.unlink is None:
        return 0
    keys = _settle_keys(conn, step.target, step.unlink)
    if not cols or not keys:
        return 0
    values = dict.fromkeys(cols)
    return int(
        conn.execute(
            update(step.target.table).where(step.target.key_in(keys)).values(**values)
        ).rowcount
    )


def _linked(target: Target, doomed: list[tuple[Target, Any]]) -> bool:
    """Some nullable non-owning reference among the rows of one deletion."""
    names = {t.collection.name for t, _ in doomed} | {target.collection.name}
    return any(
        ref.meaning != "owns" and ref.to in names
        for t in [target, *(t for t, _ in doomed)]
        for ref in t.collection.references
    )


def _settle_keys(conn: Connection, target: Target, where: ColumnElement[bool]) -> list[Any]:
    return [tuple(r) for r in conn.execute(select(*target.keys).where(where))]


def nests_too_deep(conn: Connection, step: Step) -> bool:
    """SQLite (before 3.45, a fixed parser stack) cannot parse the deletion of this step's
    owned rows, which nests the due predicate under one subquery per generation: parsed
    once per step (``LIMIT 0``: planned, no row read). Only then does the sweep read a
    batch's keys first: reading them always made a sweep of 1,000,000 rows 4 times slower
    and held 50,000 keys in Python per batch."""
    if conn.dialect.name != "sqlite":
        return False
    if step.deep is not None:
        return step.deep
    nested = _children_of(step.target, select(*step.target.keys).where(step.todo), [])
    deep = False
    for child, owned in nested:
        try:
            conn.execute(select(*child.keys).where(owned).limit(0)).all()
        except OperationalError as exc:
            if "parser stack overflow" not in str(exc.orig):
                raise
            deep = True
            break
    step.deep = deep
    return deep


def delete_rows(conn: Connection, target: Target, where: ColumnElement[bool]) -> tuple[int, int]:
    """Delete rows and, first, the child rows they own (depth first). Returns (rows, children).

    Where rows about to go name each other, the rows are fixed first (their keys), so
    clearing those references cannot change which rows the statements reach."""
    mine = where
    doomed = [*_children_of(target, select(*target.keys).where(mine), [target.collection.name])]
    if _linked(target, doomed):
        keys = _settle_keys(conn, target, where)
        if not keys:
            return 0, 0
        mine = target.key_in(keys)
        doomed = _children_of(target, select(*target.keys).where(mine), [target.collection.name])
        _unlink(conn, [*doomed, (target, mine)])
    children = 0
    for child, owned in doomed:
        children += conn.execute(delete(child.table).where(owned)).rowcount
    rows = conn.execute(delete(target.table).where(mine)).rowcount
    return rows, children


def anonymize_rows(conn: Connection, target: Target, where: ColumnElement[bool]) -> tuple[int, int]:
    """Anonymize rows and their children: owned rows are removed when the map deletes them."""
    keys = _settle_keys(conn, target, where)
    if not keys:
        return 0, 0
    mine = target.key_in(keys)
    children = 0
    for child, owned in _children_of(
        target, select(*target.keys).where(mine), [target.collection.name]
    ):
        if child.collection.immutable:
            continue  # never overwritten (an invoice): its own rule ends it
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
        update(target.table).where(mine).values(**anonymous_values(target))
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
    columns: list[Any] = list(target.keys)
    names = {c.name for c in columns}
    columns += [table.c[f] for f in archive_fields(step) if f not in names]
    for event, spec in target.event_columns(step.rule.events):
        expr = target.latest_of(spec) if "." in spec else table.c[spec]
        columns.append(expr.label(f"_event_{event}"))
    return select(*columns).where(where).order_by(*target.keys)


def archive_fields(step: Step) -> list[str]:
    """The columns the duty requires: named directly, or by data category (``contact``),
    and the columns that tie the record to its parent (an invoice line to its invoice)."""
    assert step.rule.archive is not None
    wanted = step.rule.archive.fields
    table, coll = step.target.table, step.target.collection
    by_category = {f.name for f in coll.fields if f.category in wanted}
    links = {c for ref in coll.references for c in ref.columns}
    return [c.name for c in table.c if c.name in wanted or c.name in by_category | links]


def local_midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), zone)
