"""Rows an erasure deletes must not be pointed at by rows that stay.

A household row the holder owns is pointed at by every member's customer row: deleting it
would break Bob's row (or be refused by the foreign key halfway through Ada's request). So a
row planned for deletion that any surviving row still references (another person's row, a
row rewritten instead of deleted, a kept record) is kept, and the reply says why
(``referenced_by_kept``). Collections whose rows point at each other and are all deleted
(a household owned by its holder, the holder pointing at it) are deleted together, their
nullable references emptied first: ``garant.rights.cycles``.
"""

from __future__ import annotations

from typing import Any

from garant.connectors import connector_for
from garant.datamap.models import Collection, System
from garant.rights import archiving
from garant.store.uow import UnitOfWork

Key = tuple[Any, ...]


def _deleting(coll: Collection) -> bool:
    return coll.erasure == "delete_row" and not coll.shared and not coll.immutable


def protect_referenced(uow: UnitOfWork, places: dict[str, Any]) -> bool:
    """Move to ``keep`` every row planned for deletion or for the archive that a row
    staying live points at, until nothing changes (one lookup per referencing collection
    and round); whether any row moved."""
    datamap = uow.garant.datamap
    changed, moved = True, False
    while changed:
        changed = False
        for place, entry in places.items():
            system_id, name = place.split(".", 1)
            coll = datamap.collection(system_id, name)
            # rows leaving for the archive leave the live database too: the move keeps
            # those a staying row points at, so the plan must say so (issue 15)
            planned = {tuple(k) for k in entry["archive"]}
            if _deleting(coll):
                planned |= {tuple(k) for k in entry["erase"]}
            if not planned:
                continue
            wanted = _pointed_at(uow, datamap.system(system_id), coll, planned, places)
            if wanted:
                changed |= archiving.release(entry, wanted, "referenced_by_kept", erase_too=True)
        moved |= changed
    return moved


def _pointed_at(
    uow: UnitOfWork, system: System, target: Collection, planned: set[Key], places: Any
) -> set[Key]:
    """Keys of the ``planned`` deletions that a row not leaving with them references."""
    connector = connector_for(uow.garant, system.id)
    found: set[Key] = set()
    for coll in system.collections:
        for ref in coll.references:
            if ref.to != target.name or coll.target_columns(ref, target) != target.key_columns:
                continue
            other = places.get(f"{system.id}.{coll.name}") or {}
            leaving = ({tuple(k) for k in other.get("erase", [])} if _deleting(coll) else set()) | {
                tuple(k) for k in other.get("archive", [])
            }
            select = [*coll.key_columns, *ref.columns]
            for row in connector.find(coll, ref.columns, list(planned), select=select):
                if tuple(row.get(c) for c in coll.key_columns) not in leaving:
                    found.add(tuple(row.get(c) for c in ref.columns))
    return found & planned
