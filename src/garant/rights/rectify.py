"""Rectification and completion (Art. 16, AF-D2) in the connected databases.

Each change names ``collection.field`` (or ``system.collection.field``). Rows that may be
rewritten are updated; rows the data map marks ``immutable`` (an issued invoice) stay as
they are and a correction record is appended beside them. Old and new values go in the
erasable audit payload, never in the event's details.
"""

from __future__ import annotations

from typing import Any

from garant.connectors import connector_for
from garant.errors import InvalidInput
from garant.rights import erasure, locate, service
from garant.rights.models import RequestCorrection, RightsRequest
from garant.store.uow import UnitOfWork


def _target(datamap: Any, name: str) -> tuple[str, str, str]:
    parts = name.split(".")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        for system in datamap.systems:
            if system.get_collection(parts[0]) is not None:
                return system.id, parts[0], parts[1]
    raise InvalidInput(f'rectification: "{name}" is not collection.field of the data map')


def apply(uow: UnitOfWork, req: RightsRequest) -> dict[str, Any]:
    data = service.personal(uow, req)
    found = locate.locate(uow.garant, data.get("identities", {}))
    datamap = locate.datamap_of(uow.garant)
    if datamap is None:
        return {"changed": 0}
    result: dict[str, Any] = {}
    for name, new in sorted((data.get("changes") or {}).items()):
        system_id, coll_name, field = _target(datamap, name)
        coll = datamap.collection(system_id, coll_name)
        if coll.field(field) is None:
            raise InvalidInput(f'rectification: the data map has no field "{field}" in {coll_name}')
        rows = found.rows.get((system_id, coll_name), [])
        keys = [tuple(r.get(c) for c in coll.key_columns) for r in rows]
        connector = connector_for(uow.garant, system_id)
        old = [r.get(field) for r in connector.read(coll, keys, select=[*coll.key_columns, field])]
        if coll.immutable:
            result[name] = _append(uow, req, system_id, coll_name, field, keys, new)
        else:
            with connector.transaction():
                result[name] = connector.update(coll, [(k, {field: new}) for k in keys])
        uow.audit(
            "request.rectify",
            "request",
            req.id,
            subject_ref=req.subject_ref,
            details={"field": name, "rows": len(keys), "immutable": coll.immutable},
            payload={"field": name, "old": [str(v) for v in old], "new": new},
        )
    return {"changed": result}


def _append(
    uow: UnitOfWork,
    req: RightsRequest,
    system: str,
    coll: str,
    field: str,
    keys: list[Any],
    new: str,
) -> int:
    for key in keys:
        digest = erasure.key_hash(uow, f"{system}.{coll}", tuple(key))
        row = RequestCorrection(
            request_id=req.id,
            system=system,
            collection=coll,
            key_hash=digest,
            field=field,
            created_at=uow.now(),
        )
        uow.session.add(row)
        uow.session.flush()
        row.sealed = service.seal(uow, {"value": new}, aad=f"correction:{row.id}")
    return len(keys)
