"""From a person's identities to the exact set of rows that are theirs.

Per system: rows whose identity columns match are the seeds; then every ``owns``
reference is followed from the rows already owned to the rows pointing at them, until
nothing new is found (one query per collection and hop, in batches, never one per row).
Last, ``context`` references of owned rows fetch the rows they point at (an address, a
store), one hop, never expanded back out: a row shared with someone else is shown, never
taken for the person's own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol

from garant.connectors import BATCH, Batch, Connector, Lookup, connector_for
from garant.datamap.models import Collection, Key, Reference, System
from garant.subjects.rules import Identity, variants
from garant.subjects.schemas import Row, RowSet, SubjectFind

if TYPE_CHECKING:
    from garant.app import Garant

Incoming = dict[str, list[tuple[Collection, Reference]]]


class Sink(Protocol):
    """Receives every row a discovery reaches, as it is read (the export's one pass)."""

    def columns(self, system: System, coll: Collection) -> Sequence[str]:
        """Columns to read beside the traversal's own (none: the rows are not wanted)."""
        ...

    def take(
        self, rowset: RowSet, relation: str, names: list[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """New rows of ``rowset`` (values in ``names`` order), ``relation`` "own" or
        "context", each given once, a batch at a time."""
        ...


# A sink may also have ``waiting() -> None``: called while the database works on the
# context lookups that end a system's discovery, for work of its own that needs none of
# their rows (the export reads Garant's own records about the person then).


def traverse(
    garant: Garant, identities: list[Identity], *, sink: Sink | None = None
) -> SubjectFind:
    """Discovery without an audit event: callers that show data use ``find_subject``.
    With a ``sink``, every row found is read once with the columns it asks for and handed
    to it as it arrives; the rowsets keep only the traversal's columns."""
    result = SubjectFind(identities)
    region = getattr(garant.policy, "country", "FR") or "FR"
    kinds = {i.kind for i in identities}
    for system in garant.datamap.systems:
        if not any(kinds & set(c.identity) for c in system.collections):
            continue
        connector = connector_for(garant, system.id)
        with connector.reading():  # one connection per system, no transaction round trips
            sets = walk_system(system, connector, identities, region=region, sink=sink)
            result.rowsets.extend(sets)
    return result


def walk_system(
    system: System,
    connector: Connector,
    identities: list[Identity],
    *,
    region: str = "FR",
    sink: Sink | None = None,
) -> list[RowSet]:
    walk = _Walk(system, connector, sink)
    seeds = []
    for coll in system.collections:
        for kind, column in coll.identity.items():
            values = [
                (v,) for i in identities if i.kind == kind for v in variants(i, region=region)
            ]
            if values:
                seeds.append(walk.lookup(coll, [column], values, casefold=kind in coll.casefold))
    walk.absorb_all(seeds)
    while walk.frontier:
        current, walk.frontier = walk.frontier, defaultdict(list)
        step = []  # each hop's lookups depend on the rows found before it, not on each other
        for target_name, rows in current.items():
            target = system.collection(target_name)
            for coll, ref in walk.incoming.get(target_name, []):
                wanted = column_values(rows, coll.target_columns(ref, target))
                if wanted:
                    step.append(walk.lookup(coll, ref.columns, wanted))
        walk.absorb_all(step)
    walk.add_context()
    walk.flush()
    return [s for s in walk.sets.values() if s.owned or s.context]


class _Walk:
    """One system's discovery: the rowsets, the frontier of rows not yet followed."""

    def __init__(self, system: System, connector: Connector, sink: Sink | None):
        self.system, self.connector, self.sink = system, connector, sink
        self.sets = {c.name: RowSet(system, c) for c in system.collections}
        self.needed = _traversal_columns(system)
        self.incoming = _incoming_owns(system)
        self.frontier: dict[str, list[Row]] = defaultdict(list)
        self.select = dict(self.needed)  # what each lookup reads
        self.sinks: dict[str, Sink | None] = dict.fromkeys(self.needed)  # who else gets them
        for coll in system.collections:
            wants = sink.columns(system, coll) if sink is not None else ()
            if not wants:
                continue
            self.sinks[coll.name] = sink
            extra = [c for c in wants if c not in self.needed[coll.name]]
            self.select[coll.name] = [*self.needed[coll.name], *extra]
        self.pending: list[tuple[Sink, RowSet, str, list[str], Sequence[Sequence[Any]]]] = []
        self.pending_rows = 0

    def give(
        self, sink: Sink, rowset: RowSet, relation: str, names: list[str], rows: Sequence[Any]
    ) -> None:
        """Rows for the sink, handed over when the next lookups are on their way (the sink
        formats them while the database works), or at once past a batch (memory)."""
        self.pending.append((sink, rowset, relation, names, rows))
        self.pending_rows += len(rows)
        if self.pending_rows >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Every row given so far to its sink, in the order they were found."""
        pending, self.pending, self.pending_rows = self.pending, [], 0
        for sink, rowset, relation, names, rows in pending:
            sink.take(rowset, relation, names, rows)

    def meanwhile(self) -> None:
        """While the database works on the last step's lookups (context): the rows of the
        steps before go to the sink, and the sink may do work of its own. The last step,
        not the first: what the sink does may hold a lock (the export's read of Garant's
        own store begins its transaction: on SQLite, the write lock)."""
        self.flush()
        waiting = getattr(self.sink, "waiting", None)
        if waiting is not None:
            waiting()

    def lookup(
        self, coll: Collection, columns: Sequence[str], values: list[Key], *, casefold: bool = False
    ) -> Lookup:
        return Lookup(coll, columns, values, self.select[coll.name], casefold)

    def absorb_all(self, lookups: list[Lookup]) -> None:
        """Lookups that do not depend on each other: sent together where the connector
        can (one round trip on PostgreSQL), their rows taken in the order they were asked."""
        if lookups:
            found = self.connector.find_many(lookups, meanwhile=self.flush)
            for lookup, batches in zip(lookups, found, strict=True):
                self.absorb(lookup.collection, batches)

    def absorb(self, coll: Collection, batches: Iterable[Batch]) -> None:
        rowset, sink = self.sets[coll.name], self.sinks[coll.name]
        owned, new = rowset.owned, self.frontier[coll.name]
        for names, rows in batches:
            keys, kept = _keyed(names, coll.key_columns, self.needed[coll.name], rows)
            fresh = list(keys)
            if owned.keys().isdisjoint(fresh) and len(set(fresh)) == len(fresh):
                # The usual batch: every row new and once (C-level set operations, no
                # Python step per row).
                rows_kept = list(kept)
                owned.update(zip(fresh, rows_kept, strict=True))
                new.extend(rows_kept)
                if sink is not None and rows:
                    self.give(sink, rowset, "own", names, rows)
                continue
            taken = []
            for key, row, values in zip(fresh, kept, rows, strict=True):
                if key not in owned:
                    owned[key] = row
                    new.append(row)
                    taken.append(values)
            if sink is not None and taken:
                self.give(sink, rowset, "own", names, taken)

    def add_context(self) -> None:
        """One lookup per target collection and column set, whatever the number of
        references leading there; rows the person owns are not fetched again. The
        lookups depend on nothing but the rows owned: they are sent together."""
        wanted = self._context_wanted()
        lookups = [
            self.lookup(self.system.collection(name), tcols, list(keys))
            for (name, tcols), keys in wanted.items()
        ]
        found = self.connector.find_many(lookups, meanwhile=self.meanwhile)
        for lookup, batches in zip(lookups, found, strict=True):
            target = lookup.collection
            rowset, sink = self.sets[target.name], self.sinks[target.name]
            owned, context = rowset.owned, rowset.context
            for names, rows in batches:
                keys, kept = _keyed(names, target.key_columns, self.needed[target.name], rows)
                taken = []
                for key, row, values in zip(keys, kept, rows, strict=True):
                    if key not in owned and key not in context:
                        context[key] = row
                        taken.append(values)
                if sink is not None and taken:
                    self.give(sink, rowset, "context", names, taken)

    def _context_wanted(self) -> dict[tuple[str, tuple[str, ...]], dict[Key, None]]:
        groups: dict[tuple[str, tuple[str, ...]], dict[Key, None]] = {}
        for coll in self.system.collections:
            owned = self.sets[coll.name].owned.values()
            if not owned:
                continue
            for ref in coll.references:
                if ref.meaning != "context":
                    continue
                target = self.system.collection(ref.to)
                tcols = coll.target_columns(ref, target)
                wanted = column_values(owned, ref.columns)
                target_owned = self.sets[target.name].owned
                if wanted and target_owned and set(tcols) == set(target.key_columns):
                    order = [tcols.index(c) for c in target.key_columns]
                    if order == list(range(len(order))):  # already the target's key order
                        wanted = [v for v in wanted if v not in target_owned]
                    else:
                        wanted = [
                            v for v in wanted if tuple([v[i] for i in order]) not in target_owned
                        ]
                if wanted:
                    groups.setdefault((target.name, tcols), {}).update(dict.fromkeys(wanted))
        return groups


def _keyed(
    names: list[str], key_columns: Sequence[str], keep: Sequence[str], rows: Sequence[Any]
) -> tuple[Iterator[Key], Iterator[Row]]:
    """Each row's key, and a dict of the traversal's columns, picked by position in C
    (``itemgetter``, ``zip``): no Python call per row, no dict of the columns not kept."""
    index = {name: i for i, name in enumerate(names)}
    keys = _tuples(rows, [index[c] for c in key_columns])
    kept = [c for c in keep if c in index]
    values = _tuples(rows, [index[c] for c in kept])
    return keys, map(dict, map(zip, repeat(kept), values))


def _tuples(rows: Sequence[Any], positions: list[int]) -> Iterator[tuple[Any, ...]]:
    if len(positions) == 1:
        return zip(map(itemgetter(positions[0]), rows))
    return map(itemgetter(*positions), rows)


def key_of(coll: Collection, row: Row) -> Key:
    return tuple(row[c] for c in coll.key_columns)


def column_values(rows: Iterable[Row], columns: tuple[str, ...]) -> list[Key]:
    if len(columns) == 1:  # the common case, without a tuple per row
        column = columns[0]
        return [(v,) for v in dict.fromkeys([row.get(column) for row in rows]) if v is not None]
    out: dict[Key, None] = {}
    for row in rows:
        value = tuple(row.get(c) for c in columns)
        if all(v is not None for v in value):
            out.setdefault(value, None)
    return list(out)


def _incoming_owns(system: System) -> Incoming:
    incoming: Incoming = defaultdict(list)
    for coll in system.collections:
        for ref in coll.references:
            if ref.meaning == "owns":
                incoming[ref.to].append((coll, ref))
    return incoming


def _traversal_columns(system: System) -> dict[str, list[str]]:
    """Per collection, the few columns a walk needs: keys, entity, both ends of references."""
    needed: dict[str, dict[str, None]] = {
        c.name: dict.fromkeys(c.key_columns) for c in system.collections
    }
    for coll in system.collections:
        if coll.entity_column:
            needed[coll.name].setdefault(coll.entity_column, None)
        for ref in coll.references:
            if ref.meaning == "stop":
                continue
            target = system.collection(ref.to)
            for column in ref.columns:
                needed[coll.name].setdefault(column, None)
            for column in coll.target_columns(ref, target):
                needed[target.name].setdefault(column, None)
    return {name: list(cols) for name, cols in needed.items()}
