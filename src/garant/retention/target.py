"""The rows of one collection in its connected database, as SQLAlchemy Core predicates.

Everything the sweep and the forecast ask is one expression over the collection's table:
*due* (every start event on or before the cut-off), *held* (a legal hold, a restriction,
a ``held_while`` condition, a held owner, a child under a longer duty). Statements are
built from reflected tables, identifiers quoted by the dialect, values bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Engine,
    MetaData,
    Table,
    and_,
    create_engine,
    exists,
    false,
    func,
    or_,
    select,
    true,
    tuple_,
)

from garant.datamap.models import Collection, DataMap, Reference, System
from garant.errors import ConfigError, ConnectorError
from garant.retention import protection, related
from garant.retention.conditions import RetentionConfig, all_of
from garant.retention.rules import split_related

IdentityValues = dict[str, list[str]]


@dataclass
class Databases:
    """Engines and reflected tables of the connected systems, for one run."""

    datamap: DataMap
    engines: dict[str, Engine] = field(default_factory=dict)
    tables: dict[tuple[str, str], Table] = field(default_factory=dict)

    def engine(self, system: System) -> Engine:
        if system.id not in self.engines:
            url = self.datamap.url_of(system)
            if not url:
                raise ConnectorError(f"system {system.id}: no URL (set ${system.url_env})")
            try:
                self.engines[system.id] = create_engine(url)
            except Exception as exc:
                # the driver's words may quote the URL (a password): only their kind
                raise ConnectorError(
                    f"system {system.id}: cannot connect ({type(exc).__name__})"
                ) from None
        return self.engines[system.id]

    def table(self, system: System, collection: Collection) -> Table:
        key = (system.id, collection.name)
        if key not in self.tables:
            try:
                self.tables[key] = Table(
                    collection.table_name,
                    MetaData(),
                    schema=collection.db_schema,
                    autoload_with=self.engine(system),
                )
            except Exception as exc:
                raise ConnectorError(
                    f"{system.id}.{collection.name}: cannot read table "
                    f"{collection.table_name} ({type(exc).__name__})"
                ) from None
        return self.tables[key]

    def dialect(self, system: System) -> Any:
        return self.engine(system).dialect

    def close(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


@dataclass(frozen=True)
class Context:
    """What a predicate needs besides the table: today, holds, conditions."""

    today: date
    timezone: tzinfo
    identity_values: IdentityValues
    held_collections: frozenset[tuple[str, str]]
    config: RetentionConfig
    rules: dict[str, Any] = field(default_factory=dict)
    """The policy's rules by id: a descendant under a rule of its own is kept unless its
    own step removes it in the same run (children are swept first)."""
    gone: dict[tuple[str, str], tuple[tuple[Any, ...], ...]] = field(default_factory=dict)
    """Keys of rows this run deletes from a collection whose rows name each other
    (``steps.settle_self``): such a row names nothing that stays, so it keeps no row."""


def _bound(column: Any, day: date, zone: tzinfo) -> tuple[Any, bool]:
    """The value to compare a date column with, and whether it is a moment (exclusive)."""
    if isinstance(column.type, DateTime):
        moment = datetime.combine(day + timedelta(days=1), time(0), zone)
        if not column.type.timezone:
            moment = moment.astimezone(zone).replace(tzinfo=None)
        return moment, True
    if isinstance(column.type, Date):
        return day, False
    return day.isoformat() + "~", True  # text dates: "YYYY-MM-DD..." sorts before "~"


def not_after(column: Any, day: date, zone: tzinfo) -> ColumnElement[bool]:
    value, exclusive = _bound(column, day, zone)
    test: ColumnElement[bool] = column < value if exclusive else column <= value
    return test


def after(column: Any, day: date, zone: tzinfo) -> ColumnElement[bool]:
    value, exclusive = _bound(column, day, zone)
    test: ColumnElement[bool] = column >= value if exclusive else column > value
    return test


@dataclass
class Target:
    """One collection bound to a retention rule, in one connected system.

    ``alias`` gives a nested subquery a FROM of its own, so that a row compared with
    another row of the same table (a cycle, a self-reference) is correlated correctly.
    """

    dbs: Databases
    system: System
    collection: Collection
    alias: Any = None

    @property
    def name(self) -> str:
        return f"{self.system.id}.{self.collection.name}"

    @property
    def table(self) -> Any:
        return (
            self.alias if self.alias is not None else self.dbs.table(self.system, self.collection)
        )

    def aliased(self) -> Target:
        return Target(
            self.dbs,
            self.system,
            self.collection,
            self.dbs.table(self.system, self.collection).alias(),
        )

    @property
    def keys(self) -> list[Any]:
        """The key columns (any number, any type); refused with the reason if unknown."""
        missing = [k for k in self.collection.key_columns if k not in self.table.c]
        if missing:
            raise ConfigError(f"{self.name}: key column {missing[0]} is not in the table")
        return [self.table.c[k] for k in self.collection.key_columns]

    @property
    def key(self) -> Any:
        """The key as one expression: the column, or a row value ``(a, b)`` for a composite."""
        cols = self.keys
        return cols[0] if len(cols) == 1 else tuple_(*cols)

    @property
    def pk(self) -> Any:
        """The single key column (callers that handle composite keys use ``key``)."""
        cols = self.keys
        if len(cols) != 1:
            raise ConfigError(f"{self.name}: this operation needs a single-column primary key")
        return cols[0]

    def key_in(self, values: list[Any]) -> ColumnElement[bool]:
        """Rows whose key is one of ``values`` (tuples for a composite key)."""
        if not values:
            return false()
        test: ColumnElement[bool]
        if len(self.keys) == 1:
            test = self.keys[0].in_([v[0] if isinstance(v, tuple) else v for v in values])
        else:
            test = tuple_(*self.keys).in_([tuple(v) for v in values])
        return test

    def same_row(self, other: Target) -> ColumnElement[bool]:
        return and_(*(a == b for a, b in zip(self.keys, other.keys, strict=True)))

    def child(self, name: str) -> Target:
        return Target(self.dbs, self.system, self.system.collection(name)).aliased()

    def children(self) -> list[tuple[Target, Reference]]:
        """Collections whose rows this collection's rows own (references ``owns`` to it)."""
        out = []
        for coll in self.system.collections:
            for ref in coll.references:
                if (
                    ref.meaning == "owns"
                    and ref.to == self.collection.name
                    and coll != self.collection
                ):
                    out.append((self.child(coll.name), ref))
        return out

    def owners(self) -> list[tuple[Target, Reference]]:
        return [
            (self.child(ref.to), ref)
            for ref in self.collection.references
            if ref.meaning == "owns" and ref.to != self.collection.name
        ]

    def link(self, child: Target, ref: Reference) -> ColumnElement[bool]:
        """child.fk == self.key, for a correlated EXISTS or an IN."""
        targets = child.collection.target_columns(ref, self.collection)
        for c in ref.columns:
            if c not in child.table.c:
                raise ConfigError(f"{child.name}: reference column {c} is not in the table")
        return and_(
            *(
                child.table.c[c] == self.table.c[t]
                for c, t in zip(ref.columns, targets, strict=True)
            )
        )

    # --- due -----------------------------------------------------------------------
    def event_columns(self, events: tuple[str, ...]) -> list[tuple[str, str]]:
        """(event, column or ``child.column``) of the row's own events, then the related
        row's event as its ``^.via|event`` mark (``garant.retention.related``)."""
        binding = self.collection.retention
        dates = binding.dates if binding else {}
        own = tuple(e for e in events if split_related(e) is None)
        mapped = [(e, dates[e]) for e in own if e in dates]
        mapped += [(e, e) for e in own if e not in dates and e in self.table.c]
        if not mapped:
            raise ConfigError(
                f"{self.name}: none of the rule's start events ({', '.join(own)}) is mapped "
                "to a column (data map: retention.dates)"
            )
        for _, spec in mapped:
            if "." not in spec and spec not in self.table.c:
                raise ConfigError(f"{self.name}: start date column {spec} is not in the table")
        for e in events:
            found = split_related(e)
            if found is not None:
                related.column(self, *found)  # refused here, before any statement runs
                mapped.append((f"related_{found[1]}", e))
        return mapped

    def latest_of(self, spec: str) -> Any:
        """A correlated max over the rows of a child collection (``clicks.clicked_at``), or
        the related row's date (``^.via|event``)."""
        found = split_related(spec)
        if found is not None:
            return related.latest(self, *found)
        name, column = spec.split(".", 1)
        for child, ref in self.children():
            if child.collection.name == name:
                return (
                    select(func.max(child.table.c[column]))
                    .where(self.link(child, ref))
                    .scalar_subquery()
                )
        raise ConfigError(f'{self.name}: "{spec}" names no collection owned by these rows')

    def due(self, events: tuple[str, ...], cutoff: date, zone: tzinfo) -> ColumnElement[bool]:
        """Every known start event is on or before ``cutoff``, and at least one is known."""
        clauses: list[ColumnElement[bool]] = []
        known: list[ColumnElement[bool]] = []
        for _, spec in self.event_columns(events):
            found = split_related(spec)
            if found is not None:
                clauses.append(related.due(self, *found, cutoff, zone))
                continue
            if "." in spec:
                name, column = spec.split(".", 1)
                match = [(c, r) for c, r in self.children() if c.collection.name == name]
                if not match:
                    raise ConfigError(
                        f'{self.name}: "{spec}" names no collection owned by these rows'
                    )
                child, ref = match[0]
                col = child.table.c[column]
                clauses.append(~exists().where(self.link(child, ref), after(col, cutoff, zone)))
                continue
            col = self.table.c[spec]
            clauses.append(or_(col.is_(None), not_after(col, cutoff, zone)))
            known.append(col.is_not(None))
        return and_(*clauses, or_(*known) if known else true())

    def no_start(self, events: tuple[str, ...]) -> ColumnElement[bool] | None:
        """Rows whose own start dates are all empty, or whose related row (``start.related``)
        is missing or has no date: never due, reported (not kept silently)."""
        specs = [s for _, s in self.event_columns(events)]
        own = [self.table.c[s] for s in specs if "." not in s and split_related(s) is None]
        tests = [and_(*(c.is_(None) for c in own))] if own else []
        tests += [related.unknown(self, *f) for f in map(split_related, specs) if f is not None]
        return or_(*tests) if tests else None

    # --- held ----------------------------------------------------------------------
    def held_reasons(self, ctx: Context, depth: int = 0) -> dict[str, ColumnElement[bool]]:
        """Each reason rows are kept beyond their period, as its own predicate."""
        reasons = self.own_holds(ctx)
        for cond in ctx.config.conditions_for(self.system.id, self.collection.name):
            reasons[cond.condition] = self.condition(cond, ctx)
        if depth < MAX_DEPTH:
            owner = self.owner_held(ctx, depth)
            if owner is not None:
                reasons["owner held"] = owner
        duty = protection.descendant_kept(self, ctx, depth, [self])
        if duty is not None:
            reasons[CHILD_KEPT] = duty
        pointed = protection.referenced_live(self, ctx, depth, [self])
        if pointed is not None:
            reasons[REFERENCED] = pointed
        return reasons

    def own_holds(self, ctx: Context) -> dict[str, ColumnElement[bool]]:
        """Holds on the row itself: on its collection, its person, a restriction (Art. 18)."""
        reasons: dict[str, ColumnElement[bool]] = {}
        if (self.system.id, self.collection.name) in ctx.held_collections:
            reasons["legal hold (collection)"] = true()
        identity = self.identity_held(ctx)
        if identity is not None:
            reasons["legal hold (person)"] = identity
        if self.collection.restriction is not None:
            r = self.collection.restriction
            if r.column not in self.table.c:
                raise ConfigError(f"{self.name}: restriction column {r.column} is not in the table")
            reasons["restriction"] = func.coalesce(self.table.c[r.column] == r.value, false())
        return reasons

    def held(self, ctx: Context, depth: int = 0) -> ColumnElement[bool]:
        reasons = list(self.held_reasons(ctx, depth).values())
        return or_(*reasons) if reasons else false()

    def identity_held(self, ctx: Context) -> ColumnElement[bool] | None:
        clauses = []
        for kind, column in self.collection.identity.items():
            values = ctx.identity_values.get(kind)
            if values and column in self.table.c:
                col = self.table.c[column]
                clauses.append(func.lower(col).in_(values) if kind == "email" else col.in_(values))
        return or_(*clauses) if clauses else None

    def condition(self, cond: Any, ctx: Context) -> ColumnElement[bool]:
        own = all_of(cond.where, self.table, ctx.today)
        if cond.exists is None:
            return own
        match = [(c, r) for c, r in self.children() if c.collection.name == cond.exists.collection]
        if not match:
            raise ConfigError(
                f"retention.yaml: {cond.exists.collection} has no owns reference to {self.name}"
            )
        child, ref = match[0]
        related = exists().where(
            self.link(child, ref), all_of(cond.exists.where, child.table, ctx.today)
        )
        return and_(own, related)

    def owner_held(
        self, ctx: Context, depth: int, skip: Reference | None = None
    ) -> ColumnElement[bool] | None:
        clauses = []
        for owner, ref in self.owners():
            if ref == skip:
                continue
            reasons = owner.own_holds(ctx)
            for cond in ctx.config.conditions_for(owner.system.id, owner.collection.name):
                reasons[cond.condition] = owner.condition(cond, ctx)
            if depth + 1 < MAX_DEPTH:
                up = owner.owner_held(ctx, depth + 1)
                if up is not None:
                    reasons["owner held"] = up
            if reasons:
                clauses.append(exists().where(owner.link(self, ref), or_(*reasons.values())))
        return or_(*clauses) if clauses else None

    def referrers(self) -> list[tuple[Target, Reference]]:
        """Collections whose rows point at these rows other than as their owner."""
        return [
            (self.child(coll.name), ref)
            for coll in self.system.collections
            if coll != self.collection
            for ref in coll.references
            if ref.to == self.collection.name and ref.meaning != "owns"
        ]

    def self_referrers(self) -> list[Reference]:
        """References from this collection to itself (a manager, a parent comment)."""
        return [r for r in self.collection.references if r.to == self.collection.name]


MAX_DEPTH = 4
"""How deep the predicates follow owners and descendants; deeper (or cyclic) shapes are
judged conservatively: a row is kept while such a relative exists at all."""
REFERENCED = "referenced by a live row"
"""The reason that holds a row from deletion only: anonymizing it in place breaks nothing."""
CHILD_KEPT = "child under a longer duty"
"""A descendant the deletion would take with it is kept (its own rule, a hold, a restriction)."""


def targets(dbs: Databases) -> list[Target]:
    """Collections bound to a rule, children before parents (they go first)."""
    bound = [Target(dbs, s, c) for s, c in dbs.datamap.all_collections() if c.retention is not None]
    order: dict[str, int] = {}

    def depth(t: Target, seen: frozenset[str] = frozenset()) -> int:
        if t.name in seen:
            return 0
        # owned rows and rows that point at these go first (an order before its contract)
        kids = [c for c, _ in t.children()] + [c for c, _ in t.referrers()]
        return 1 + max((depth(k, seen | {t.name}) for k in kids), default=0)

    for t in bound:
        order[t.name] = depth(t)
    return sorted(bound, key=lambda t: (order[t.name], t.name))
