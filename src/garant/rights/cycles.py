"""Reference cycles among the collections an erasure empties: carried out, or refused before.

A household owned by its holder (``household.owner_id``, NOT NULL) that its members point
at (``customer.household_id``, nullable) cannot be deleted in either order: the household
first breaks the holder's row, the holder first breaks the household. In one transaction
on the connected database the nullable references among the rows leaving are first set to
NULL; the references left (NOT NULL) then give an order, referencing rows first, and the
rows are deleted in it. Cycles of any length are found (strongly connected collections).
Refused before the run, with the map's file:line, only what no order can do: a cycle whose
remaining references are all NOT NULL, and a cycle through a collection whose rows go to
the archive under a legal duty (moved in steps of their own, DEF-R3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from garant.datamap.models import Collection, System

Nullable = Callable[[Collection, str], bool]
"""Whether a column of a collection's live table accepts NULL."""
Path = tuple[Any, ...]


@dataclass(frozen=True)
class Cycle:
    """How the rows of a cycle leave: which columns are emptied first, then in what order."""

    system: str
    order: tuple[str, ...]
    """Collections, each before the collections its rows point at by a NOT NULL reference."""
    cleared: tuple[tuple[str, tuple[str, ...]], ...]
    """(collection, its nullable reference columns into the cycle), set to NULL first."""


def leaving(system: System, archived: Callable[[Collection], bool]) -> dict[str, Collection]:
    """Collections whose rows an erasure removes from the live database: deleted by the
    map, or moved to the archive under a legal duty (``archived``)."""
    out = {}
    for coll in system.collections:
        deletes = coll.erasure == "delete_row" and not coll.immutable
        if not coll.shared and (deletes or archived(coll)):
            out[coll.name] = coll
    return out


def groups(system: System, names: set[str]) -> list[list[str]]:
    """Sets of two or more of ``names`` whose rows point at each other, each sorted
    (Tarjan's strongly connected components over the map's references)."""
    edges = {
        n: sorted({r.to for r in system.collection(n).references if r.to in names and r.to != n})
        for n in sorted(names)
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            part: list[str] = []
            while True:
                top = stack.pop()
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in edges:
        if node not in index:
            visit(node)
    return sorted(found)


def resolve(system: System, group: list[str], nullable: Nullable) -> Cycle | None:
    """The way to delete ``group``'s rows, or ``None`` when the NOT NULL references left
    after emptying the nullable ones still form a cycle."""
    members = set(group)
    cleared: list[tuple[str, tuple[str, ...]]] = []
    hard: dict[str, set[str]] = {n: set() for n in group}
    for name in group:
        coll = system.collection(name)
        columns: list[str] = []
        for ref in coll.references:
            if ref.to not in members:
                continue
            if all(nullable(coll, c) for c in ref.columns):
                columns += [c for c in ref.columns if c not in columns]
            elif ref.to != name:
                hard[name].add(ref.to)
        if columns:
            cleared.append((name, tuple(columns)))
    order = _topological(hard)
    return None if order is None else Cycle(system.id, tuple(order), tuple(cleared))


def _topological(edges: dict[str, set[str]]) -> list[str] | None:
    """Each node before the nodes it points at (Kahn), ``None`` if a cycle is left."""
    incoming = {n: 0 for n in edges}
    for targets in edges.values():
        for t in targets:
            incoming[t] += 1
    ready = sorted(n for n, count in incoming.items() if count == 0)
    out: list[str] = []
    while ready:
        node = ready.pop(0)
        out.append(node)
        for t in sorted(edges[node]):
            incoming[t] -= 1
            if incoming[t] == 0:
                ready.append(t)
        ready.sort()
    return out if len(out) == len(edges) else None


def problems(
    system: System, at: Path, nullable: Nullable, archived: Callable[[Collection], bool]
) -> Iterator[tuple[Path, str]]:
    """Each cycle no erasure can carry out, located at one of its references."""
    names = leaving(system, archived)
    for group in groups(system, set(names)):
        where = _path(system, group, at, nullable)
        ring = ", ".join(f"{system.id}.{n}" for n in group)
        duty = [n for n in group if archived(names[n])]
        if duty:
            yield (
                where,
                (
                    f"{ring} point at each other, and {system.id}.{duty[0]} goes to the archive "
                    "under a legal duty while the others leave the live database: no order can "
                    "move and delete them; give one of the others erasure: null (its fields are "
                    "rewritten, the row stays)"
                ),
            )
        elif resolve(system, group, nullable) is None:
            yield (
                where,
                (
                    f"{ring} point at each other and all delete their rows (erasure: delete_row), "
                    "and no reference among them that could break the cycle can be emptied (its "
                    "columns are NOT NULL): no order can delete them; make one such column "
                    "nullable, or give one of them erasure: null (its fields are rewritten, the "
                    "row stays)"
                ),
            )


def _path(system: System, group: list[str], at: Path, nullable: Nullable) -> Path:
    """The first NOT NULL reference inside the cycle (else its first reference)."""
    members = set(group)
    inside = [
        (ci, ri, all(nullable(coll, c) for c in ref.columns))
        for ci, coll in enumerate(system.collections)
        if coll.name in members
        for ri, ref in enumerate(coll.references)
        if ref.to in members and ref.to != coll.name
    ]
    ci, ri, _ = next((x for x in inside if not x[2]), inside[0])
    return (*at, "collections", ci, "references", ri)


def live_nullable(garant: Any, system: System, names: list[str]) -> Nullable:
    """Nullability as the connected database declares it, for the tables of ``names``
    (one inspector call per table, only for collections in a cycle)."""
    from sqlalchemy import inspect

    from garant.connectors import connector_for

    engine = connector_for(garant, system.id).engine  # type: ignore[attr-defined]
    inspector = inspect(engine)
    known: dict[str, dict[str, bool]] = {}
    for name in names:
        coll = system.collection(name)
        columns = inspector.get_columns(coll.table_name, schema=coll.db_schema)
        known[name] = {c["name"]: bool(c.get("nullable", True)) for c in columns}

    def nullable(coll: Collection, column: str) -> bool:
        return known.get(coll.name, {}).get(column, False)

    return nullable


def cycle_of(
    garant: Any, system: System, name: str, archived: Callable[[Collection], bool]
) -> Cycle | None:
    """The cycle ``name`` belongs to, resolved against the live schema (``None``: none).

    Raises ``InvalidInput`` for a cycle no order can delete (the check before the run
    refuses it first, with file:line; a map changed since is refused here, before any
    row changes)."""
    from garant.errors import InvalidInput

    names = leaving(system, archived)
    group = next((g for g in groups(system, set(names)) if name in g), None)
    if group is None:
        return None
    if any(archived(names[n]) for n in group):
        raise InvalidInput(f"{system.id}.{name}: in a cycle with a collection under a duty")
    cycle = resolve(system, group, live_nullable(garant, system, group))
    if cycle is None:
        raise InvalidInput(f"{system.id}.{name}: in a cycle no order can delete")
    return cycle
