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
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from garant.connectors import Connector, connector_for
from garant.datamap.models import Collection, Key, Reference, System
from garant.subjects.rules import Identity, variants
from garant.subjects.schemas import Row, RowSet, SubjectFind

if TYPE_CHECKING:
    from garant.app import Garant

Incoming = dict[str, list[tuple[Collection, Reference]]]


def traverse(garant: Garant, identities: list[Identity]) -> SubjectFind:
    """Discovery without an audit event: callers that show data use ``find_subject``."""
    result = SubjectFind(identities)
    region = getattr(garant.policy, "country", "FR") or "FR"
    kinds = {i.kind for i in identities}
    for system in garant.datamap.systems:
        if not any(kinds & set(c.identity) for c in system.collections):
            continue
        connector = connector_for(garant, system.id)
        with connector.reading():  # one connection per system, no transaction round trips
            result.rowsets.extend(walk_system(system, connector, identities, region=region))
    return result


def walk_system(
    system: System, connector: Connector, identities: list[Identity], *, region: str = "FR"
) -> list[RowSet]:
    sets = {c.name: RowSet(system, c) for c in system.collections}
    needed = _traversal_columns(system)
    incoming = _incoming_owns(system)
    frontier: dict[str, list[Row]] = defaultdict(list)
    for coll in system.collections:
        for kind, column in coll.identity.items():
            values = [
                (v,) for i in identities if i.kind == kind for v in variants(i, region=region)
            ]
            if values:
                fold = kind in coll.casefold
                seeds = connector.find(
                    coll, [column], values, select=needed[coll.name], casefold=fold
                )
                _absorb(sets[coll.name], coll, seeds, frontier)
    while frontier:
        current, frontier = frontier, defaultdict(list)
        for target_name, rows in current.items():
            target = system.collection(target_name)
            for coll, ref in incoming.get(target_name, []):
                wanted = column_values(rows, coll.target_columns(ref, target))
                if wanted:
                    found = connector.find(coll, ref.columns, wanted, select=needed[coll.name])
                    _absorb(sets[coll.name], coll, found, frontier)
    _add_context(system, connector, sets, needed)
    return [s for s in sets.values() if s.owned or s.context]


def _absorb(rowset: RowSet, coll: Collection, rows: Any, frontier: dict[str, list[Row]]) -> None:
    owned, new, columns = rowset.owned, frontier[coll.name], coll.key_columns
    for row in rows:
        key = tuple([row[c] for c in columns])
        if key not in owned:
            owned[key] = row
            new.append(row)


def _add_context(
    system: System, connector: Connector, sets: dict[str, RowSet], needed: dict[str, list[str]]
) -> None:
    for coll in system.collections:
        owned = list(sets[coll.name].owned.values())
        if not owned:
            continue
        for ref in coll.references:
            if ref.meaning != "context":
                continue
            target = system.collection(ref.to)
            wanted = column_values(owned, ref.columns)
            if not wanted:
                continue
            tcols = coll.target_columns(ref, target)
            target_set = sets[target.name]
            if set(tcols) == set(target.key_columns) and target_set.owned:
                # Rows the person already owns are not fetched again to be shown as context.
                order = [tcols.index(c) for c in target.key_columns]
                wanted = [v for v in wanted if tuple(v[i] for i in order) not in target_set.owned]
                if not wanted:
                    continue
            for row in connector.find(target, tcols, wanted, select=needed[target.name]):
                key = key_of(target, row)
                if key not in target_set.owned:
                    target_set.context.setdefault(key, row)


def key_of(coll: Collection, row: Row) -> Key:
    return tuple(row[c] for c in coll.key_columns)


def column_values(rows: Iterable[Row], columns: tuple[str, ...]) -> list[Key]:
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
