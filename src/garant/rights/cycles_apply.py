"""Carrying out the deletion of a reference cycle in one transaction (``garant.rights.cycles``).

The first ``erase:PLACE`` step of a cycle's collections (the plan puts them one after the
other) deletes the rows of all of them: in one transaction on the connected database, the
nullable references of the rows leaving are set to NULL, then the rows are deleted in the
cycle's order, and every collection's keys are journalled. The steps of the other
collections then find their rows gone and change nothing; a step cut short is run again
whole (the transaction committed all of it or none).
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from garant.connectors import connector_for
from garant.rights.cycles import Cycle, cycle_of
from garant.rights.models import RequestStep, RightsRequest
from garant.store.uow import UnitOfWork

Key = tuple[Any, ...]


def planned(uow: UnitOfWork, req: RightsRequest) -> dict[str, Any]:
    """The plan's places as the ``erase`` steps carry them out: what the archive steps
    left live keeps what it points at (``execute._erase`` reads them the same way)."""
    from garant.rights import archiving, erasure, typed_json

    done = {
        s.step: typed_json.decode(s.result)
        for s in uow.session.scalars(
            select(RequestStep).where(
                RequestStep.request_id == req.id, RequestStep.status == "done"
            )
        )
    }
    places: dict[str, Any] = copy.deepcopy(done["plan"]["places"])
    if any(item.get("archive") for item in places.values()):
        archiving.settle(places, done)
        erasure.protect_owners(uow, places)
    return places


def in_cycle(
    uow: UnitOfWork, req: RightsRequest, place: str, keys: list[list[Any]]
) -> dict[str, Any] | None:
    """Carry out the cycle ``place`` belongs to (its result), or ``None`` when it is in none."""
    from garant.rights import archiving

    system_id, name = place.split(".", 1)
    system = uow.garant.datamap.system(system_id)
    cycle = cycle_of(uow.garant, system, name, lambda c: archiving.duty(uow, c) is not None)
    return None if cycle is None else apply(uow, req, cycle, place, keys)


def apply(
    uow: UnitOfWork, req: RightsRequest, cycle: Cycle, place: str, keys: list[list[Any]]
) -> dict[str, Any]:
    """Empty the cycle's nullable references of the rows leaving, delete them in order."""
    from garant.rights import erasure

    garant, system_id = uow.garant, cycle.system
    places = planned(uow, req)
    wanted: dict[str, list[Key]] = {}
    for name in cycle.order:
        item = places.get(f"{system_id}.{name}") or {}
        wanted[name] = [tuple(k) for k in item.get("erase", [])]
    wanted[place.split(".", 1)[1]] = [tuple(k) for k in keys]
    colls = {n: garant.datamap.collection(system_id, n) for n in cycle.order}
    rows = {n: erasure._read(uow, system_id, colls[n], wanted[n]) for n in cycle.order}
    connector = connector_for(garant, system_id)
    cleared, deleted = 0, {}
    with connector.transaction():
        for name, columns in cycle.cleared:
            coll = colls[name]
            changes = [
                (tuple(r.get(c) for c in coll.key_columns), dict.fromkeys(columns))
                for r in rows[name]
                if any(r.get(c) is not None for c in columns)
            ]
            cleared += connector.update(coll, changes) if changes else 0
        for name in cycle.order:
            coll = colls[name]
            found = [tuple(r.get(c) for c in coll.key_columns) for r in rows[name]]
            deleted[name] = connector.delete(coll, found) if found else 0
    for name in cycle.order:
        erasure._journal(uow, req, system_id, name, wanted[name], "delete_row", {})
    uow.audit(
        "erasure.cycle",
        "request",
        req.id,
        subject_ref=req.subject_ref,
        details={
            "places": [f"{system_id}.{n}" for n in cycle.order],
            "rows": {f"{system_id}.{n}": deleted[n] for n in cycle.order},
            "cleared": cleared,
        },
    )
    mine = place.split(".", 1)[1]
    return {"rows": len(rows[mine]), "changed": deleted[mine], "cycle": list(cycle.order)}
