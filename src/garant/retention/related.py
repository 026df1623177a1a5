"""A start date read on a related row: a child's profile ends with its guardian's account.

The policy writes ``start: {latest: [file_closed], related: {via: guardian, event:
account_closed}}``. ``via`` is a path through the data map's references of the bound
collection, one hop per dot-separated name (``guardian``, or ``file.guardian``); a hop
names the reference by its target collection (``guardians``), its column (``guardian_id``)
or that column without ``_id`` (``guardian``). The event's column on the row reached is
the one that collection's ``retention.dates`` maps it to, or the column of that name.

A row is due only when the related row's date is known and on or before the cut-off too
(the start is the latest of its own events and the related one). A row whose related row
is missing, or whose date is empty, is never due: it is reported as "start unknown", as a
row with empty dates of its own is. Everything is one flat correlated EXISTS over the
joined aliases (no nesting per hop, which SQLite's parser stack would pay for).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from garant.errors import ConfigError

if TYPE_CHECKING:
    from datetime import date, tzinfo

    from garant.datamap.models import Collection, DataMap, Reference, System
    from garant.retention.target import Target


def _matches(hop: str, ref: Reference) -> bool:
    columns = ref.columns
    single = columns[0] if len(columns) == 1 else None
    return hop == ref.to or hop == single or (single is not None and f"{hop}_id" == single)


def hops(system: System, collection: Collection, via: str) -> list[Reference]:
    """The references ``via`` follows from ``collection``, one per dot-separated hop;
    ``ConfigError`` naming the hop that names no reference, or several."""
    out, current = [], collection
    for hop in via.split("."):
        found = [r for r in current.references if _matches(hop, r)]
        found = [r for r in found if r.to == hop] or found
        if len(found) != 1:
            names = ", ".join(f"{'/'.join(r.columns)} -> {r.to}" for r in current.references)
            why = "matches several references" if found else "names no reference"
            raise ConfigError(
                f'{system.id}.{collection.name}: start.related.via "{via}": "{hop}" {why} of '
                f"{current.name} (references: {names or 'none'})"
            )
        out.append(found[0])
        nxt = system.get_collection(found[0].to)
        if nxt is None:
            raise ConfigError(f'{system.id}.{collection.name}: no collection "{found[0].to}"')
        current = nxt
    return out


def map_problems(datamap: DataMap, policy: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Each collection bound to a rule whose start is read on a related row, and whose
    ``via`` does not lead through its references: (place in datamap.yaml, message)."""
    related = {
        str(r.id): r.start.related
        for r in getattr(policy, "retention_rules", None) or []
        if getattr(getattr(r, "start", None), "related", None) is not None
    }
    for si, system in enumerate(datamap.systems):
        for ci, coll in enumerate(system.collections):
            start = related.get(coll.retention.rule) if coll.retention else None
            if start is None:
                continue
            try:
                hops(system, coll, start.via)
            except ConfigError as exc:
                at = ("systems", si, "collections", ci, "retention", "rule")
                yield at, str(exc).split(": ", 1)[1]


def path(target: Target, via: str) -> tuple[Target, list[ColumnElement[bool]]]:
    """The related row's collection (an alias) and the join from ``target``'s row to it."""
    current, joins = target, []
    for ref in hops(target.system, target.collection, via):
        nxt = current.child(ref.to)
        joins.append(nxt.link(current, ref))
        current = nxt
    return current, joins


def column(target: Target, via: str, event: str) -> tuple[Any, list[ColumnElement[bool]]]:
    """The related row's date column for ``event`` and the join that reaches it."""
    related, joins = path(target, via)
    binding = related.collection.retention
    name = binding.dates.get(event, event) if binding is not None else event
    if "." in name or name not in related.table.c:
        raise ConfigError(
            f'{target.name}: start.related: the event "{event}" is not a column of '
            f"{related.name} (map it in its retention.dates)"
        )
    return related.table.c[name], joins


def due(target: Target, via: str, event: str, cutoff: date, zone: tzinfo) -> ColumnElement[bool]:
    """Every related row has a known date on or before ``cutoff``, and there is one."""
    from garant.retention.target import after, not_after

    col, joins = column(target, via, event)
    known = exists().where(*joins, not_after(col, cutoff, zone))
    late = exists().where(*joins, or_(col.is_(None), after(col, cutoff, zone)))
    return and_(known, ~late)


def unknown(target: Target, via: str, event: str) -> ColumnElement[bool]:
    """No related row, or none with a date: the row's start is unknown (never due)."""
    col, joins = column(target, via, event)
    return ~exists().where(*joins, col.is_not(None))


def latest(target: Target, via: str, event: str) -> Any:
    """The related date as a scalar subquery (the archive's start columns)."""
    col, joins = column(target, via, event)
    return select(func.max(col)).where(*joins).scalar_subquery()
