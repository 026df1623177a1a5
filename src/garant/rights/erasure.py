"""Erasure in the connected databases (Art. 17, AF-D3, DEF-D5), and its replay after a restore.

The plan keeps, per collection, the rows an Art. 17(3) exception or a contract in
progress still needs, and never touches shared or immutable rows. Each field is erased
by its data-map strategy; every strategy here is idempotent (erasing an erased value
changes nothing), so a step cut short by a crash is simply run again. The journal keeps a
keyed hash of each row's key: ``garant erasure replay`` finds the same rows again in a
database restored from a backup and erases them once more (EDPB: backups are erased when
restored, not rewritten).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from garant.connectors import Row, connector_for
from garant.datamap.models import Collection
from garant.rights import (
    archiving,
    cycles_apply,
    decisions,
    holds,
    links,
    locate,
    policy_view,
    service,
)
from garant.rights.models import ErasureJournal, RightsRequest
from garant.rights.rules import Decision
from garant.store.uow import UnitOfWork

ROW_PURPOSE = "rights.erasure_row"
VALUE_PURPOSE = "rights.erasure_value"
HASH_PREFIX = "h:"


# --- field strategies (all idempotent) --------------------------------------------------
def _mask(value: Any) -> Any:
    """The data map's ``mask`` (docs/datamap.md): the last two characters stay."""
    from garant.subjects.erasure_plan import mask

    return mask(value)


def _hashed(uow: UnitOfWork, value: Any) -> Any:
    if value is None or str(value).startswith(HASH_PREFIX):
        return value
    return HASH_PREFIX + uow.keys.keyed_hash(VALUE_PURPOSE, str(value)).split(":", 1)[1][:40]


def _pseudonym(uow: UnitOfWork, place: str, key: tuple[Any, ...]) -> str:
    return "anon-" + uow.keys.keyed_hash(ROW_PURPOSE, f"{place}:{_key_text(key)}")[-12:]


def new_value(
    uow: UnitOfWork, coll: Collection, field: str, value: Any, place: str, key: tuple[Any, ...]
) -> Any:
    spec = coll.field(field)
    strategy = coll.strategy(spec) if spec else coll.erasure
    if strategy == "fixed" and spec is not None:
        return spec.erasure_value
    if strategy == "mask":
        return _mask(value)
    if strategy == "keyed_hash":
        return _hashed(uow, value)
    if strategy == "pseudonym":
        return value if value is None else _pseudonym(uow, place, key)
    return None


def _key_text(key: tuple[Any, ...]) -> str:
    return json.dumps([str(k) for k in key])


def key_hash(uow: UnitOfWork, place: str, key: tuple[Any, ...]) -> str:
    return uow.keys.keyed_hash(ROW_PURPOSE, f"{place}:{_key_text(key)}")


# --- the plan ---------------------------------------------------------------------------
def _still_current(coll: Collection, row: Row, today: date) -> bool:
    """A row whose retention start event lies ahead (a course not yet ended) is still needed."""
    if coll.retention is None:
        return False
    for column in coll.retention.dates.values():
        value = row.get(column) if "." not in column else None
        day = value.date() if isinstance(value, datetime) else value
        if isinstance(day, date) and day > today:
            return True
    return False


CONTRACT_CONDITIONS = frozenset({"open_contract", "active_learner", "unpaid_invoice"})
"""``held_while`` conditions meaning the data still serves a contract in progress."""


def _passes(flt: Any, row: Row, today: date) -> bool:
    """One ``retention.yaml`` filter, on a row already read (the person's own few rows)."""
    value = row.get(flt.column)
    if flt.equals is not None:
        return bool(value == flt.equals)
    if flt.not_equals is not None:
        return bool(value != flt.not_equals)
    if flt.in_ is not None:
        return bool(value in flt.in_)
    if flt.is_null is not None:
        return (value is None) == bool(flt.is_null)
    day = value.date() if isinstance(value, datetime) else value
    if not isinstance(day, date):
        return False
    return day >= today if flt.on_or_after_today else day < today


def _conditions(uow: UnitOfWork, system_id: str, coll: Collection) -> list[Any]:
    """The workspace's contract conditions (``retention.yaml``) the rule of ``coll`` names."""
    from garant.retention.conditions import load_config

    rule = policy_view.retention_rule(
        uow.garant.policy, coll.retention.rule if coll.retention else None
    )
    named = set(getattr(rule, "held_while", None) or []) & CONTRACT_CONDITIONS
    config = load_config(uow.garant.workspace)
    return [c for c in config.conditions_for(system_id, coll.name) if c.condition in named]


def _held_rows(
    uow: UnitOfWork, system_id: str, coll: Collection, full: dict[tuple[Any, ...], Row], found: Any
) -> set[tuple[Any, ...]]:
    """Rows a contract in progress still needs (a current course): Art. 17(1)(a) does not apply."""
    today = service.today(uow)
    held = {k for k, r in full.items() if _still_current(coll, r, today)}
    for cond in _conditions(uow, system_id, coll):
        owners = _owners_with(uow, system_id, coll, cond.exists, found, today)
        for key, row in full.items():
            if all(_passes(f, row, today) for f in cond.where) and (
                owners is None or key in owners
            ):
                held.add(key)
    return held


def _restricted(coll: Collection, full: dict[tuple[Any, ...], Row]) -> set[tuple[Any, ...]]:
    """Rows the system marks restricted (Art. 18): neither erased nor moved, as the archive
    move and the sweep keep them (a NULL marker means "not restricted")."""
    mark = coll.restriction
    if mark is None:
        return set()
    return {k for k, r in full.items() if r.get(mark.column) == mark.value}


def _owners_with(
    uow: UnitOfWork,
    system_id: str,
    coll: Collection,
    related: Any,
    found: Any,
    today: date,
) -> set[tuple[Any, ...]] | None:
    """Keys of ``coll`` that own a related row passing the filters (``None``: no test).

    The related rows are read once for the condition, not once per candidate row.
    """
    if related is None:
        return None
    system = uow.garant.datamap.system(system_id)
    other = system.collection(related.collection)
    refs = [r for r in other.references if r.to == coll.name and r.meaning == "owns"]
    rows = found.rows.get((system_id, other.name), [])
    keys = [tuple(r.get(c) for c in other.key_columns) for r in rows]
    return {
        tuple(row.get(c) for c in ref.columns)
        for row in _read(uow, system_id, other, keys)
        if all(_passes(f, row, today) for f in related.where)
        for ref in refs
    }


def plan(uow: UnitOfWork, req: RightsRequest) -> dict[str, Any]:
    """Which rows of which collections are erased, moved to the archive (DEF-R3), or kept
    and why; ``order`` lists the places children first, the order they are carried out."""
    ids = service.personal(uow, req).get("identities", {})
    found = locate.locate(uow.garant, ids)
    datamap = locate.datamap_of(uow.garant)
    chosen = {d.activity: d for d in decisions.decisions_of(uow, req)}
    refs = service.subject_refs(uow, ids)
    places: dict[str, Any] = {}
    for (system_id, name), rows in found.places():
        assert datamap is not None
        coll = datamap.collection(system_id, name)
        place = f"{system_id}.{name}"
        decision = chosen.get(coll.activity or place)
        kept_why = _kept_reason(uow, coll, decision, refs, system_id, req)
        keys = [tuple(r.get(c) for c in coll.key_columns) for r in rows]
        if kept_why:
            places[place] = archiving.entry(keep=keys, why=kept_why)
            continue
        full = {
            tuple(r.get(c) for c in coll.key_columns): r for r in _read(uow, system_id, coll, keys)
        }
        current = _held_rows(uow, system_id, coll, full, found)
        restricted = _restricted(coll, full)
        rest = [k for k in keys if k not in current | restricted]
        keep = [k for k in keys if k in current | restricted]
        why = "archive_held" if restricted else "contract_current" if current else None
        duty = archiving.duty(uow, coll)
        if duty is None:
            held = archiving.held(uow, req, place, rest)
            if held:  # a hold or restriction on the row or an owner (DEF-R4, Art. 17(3)(e))
                keep += [k for k in rest if k in held]
                rest, why = [k for k in rest if k not in held], "archive_held"
            places[place] = archiving.entry(erase=rest, keep=keep, why=why)
        else:
            stay = archiving.staying(uow, req, place, rest)
            if stay:  # a hold or restriction on an owner: the move would keep them
                keep += [k for k in rest if k in stay]
                rest, why = [k for k in rest if k not in stay], "archive_held"
            groups = archiving.until_groups(uow, coll, [full[k] for k in rest if k in full])
            places[place] = archiving.entry(archive=rest, keep=keep, why=why, duty=duty | groups)
    protect_owners(uow, places)
    if links.protect_referenced(uow, places):  # any row that stays keeps what it points at
        protect_owners(uow, places)
    return {"places": places, "order": archiving.order(uow.garant, places)}


def protect_owners(uow: UnitOfWork, places: dict[str, Any]) -> None:
    """A row that a kept row points at is neither deleted nor archived from under it (a
    kept record keeps the client it names: DEF-R5; a foreign key would refuse anyway).
    Rows that leave the live database for the archive protect nothing (DEF-R3). Followed
    from row to row until nothing changes."""
    datamap = uow.garant.datamap
    changed = True
    while changed:
        changed = False
        for place, entry in places.items():
            system_id, name = place.split(".", 1)
            coll = datamap.collection(system_id, name)
            kept = [tuple(k) for k in entry["keep"]]
            for ref in (r for r in coll.references if r.to != name) if kept else ():
                parent = places.get(f"{system_id}.{ref.to}")
                if parent is None:
                    continue
                wanted = _referenced(uow, system_id, coll, kept, ref)
                deletes = datamap.collection(system_id, ref.to).erasure == "delete_row"
                why = "owns_kept_records" if ref.meaning == "owns" else "referenced_by_kept"
                changed |= archiving.release(parent, wanted, why, erase_too=deletes)


def _referenced(
    uow: UnitOfWork, system_id: str, coll: Collection, keys: list[tuple[Any, ...]], ref: Any
) -> set[tuple[Any, ...]]:
    rows = _read(uow, system_id, coll, keys)
    return {tuple(r.get(c) for c in ref.columns) for r in rows}


def _kept_reason(
    uow: UnitOfWork,
    coll: Collection,
    decision: Any,
    refs: list[str],
    system_id: str,
    req: RightsRequest,
) -> str | None:
    """Why a whole collection stays live, or ``None`` (erased, or archived under its duty)."""
    if decision is None:
        return "no_decision"
    if decision.decision not in (Decision.ERASE, Decision.ARCHIVE):
        return str(decision.ground or decision.decision)
    if coll.shared:
        return "shared"
    if holds.held(uow, refs, system_id, coll.name, ignore=holds.source_of(req)):
        return "art17_3_e"
    if archiving.duty(uow, coll) is not None:
        return None  # moved to the intermediate archive (DEF-R3), whatever its key
    if coll.immutable:
        return "immutable"
    if decision.decision == Decision.ARCHIVE:
        return str(decision.ground or "art17_3_b")
    return None


def _read(
    uow: UnitOfWork, system_id: str, coll: Collection, keys: list[tuple[Any, ...]]
) -> list[Row]:
    if not keys:
        return []
    return list(connector_for(uow.garant, system_id).read(coll, keys))


# --- applying ---------------------------------------------------------------------------
def _changes(
    uow: UnitOfWork, coll: Collection, place: str, rows: list[Row]
) -> list[tuple[tuple[Any, ...], Row]]:
    personal_fields = [f.name for f in coll.fields if f.name not in coll.key_columns]
    out = []
    for row in rows:
        key = tuple(row.get(c) for c in coll.key_columns)
        change = {}
        for name in personal_fields:
            value = new_value(uow, coll, name, row.get(name), place, key)
            if value != row.get(name):
                change[name] = value
        if change:
            out.append((key, change))
    return out


def apply(uow: UnitOfWork, req: RightsRequest, place: str, keys: list[list[Any]]) -> dict[str, Any]:
    """Erase one collection's planned rows and journal them; run twice, changes once."""
    system_id, name = place.split(".", 1)
    coll = uow.garant.datamap.collection(system_id, name)
    if coll.erasure == "delete_row":
        done = cycles_apply.in_cycle(uow, req, place, keys)
        if done is not None:
            return done  # deleted with the collections its rows point at in a cycle
    rows = _read(uow, system_id, coll, [tuple(k) for k in keys])
    connector = connector_for(uow.garant, system_id)
    deleting = coll.erasure == "delete_row"
    with connector.transaction():
        if deleting:
            changed = connector.delete(
                coll, [tuple(r.get(c) for c in coll.key_columns) for r in rows]
            )
        else:
            changed = connector.update(coll, _changes(uow, coll, place, rows))
    fields = {} if deleting else {f.name: coll.strategy(f) for f in coll.fields}
    _journal(uow, req, system_id, name, keys, "delete_row" if deleting else "update", fields)
    return {"rows": len(rows), "changed": changed}


def journal_archived(
    uow: UnitOfWork, req: RightsRequest, place: str, result: dict[str, Any]
) -> None:
    """Rows moved to the archive are journalled too: a restored backup would bring them
    back into the live database, and ``garant erasure replay`` removes them again."""
    system_id, name = place.split(".", 1)
    keys = [k for b in result.get("bundles", []) for k in b["keys"]]
    bundles = [b["id"] for b in result.get("bundles", [])]
    _journal(uow, req, system_id, name, keys, "archive", {"bundles": bundles})


def _journal(
    uow: UnitOfWork,
    req: RightsRequest,
    system: str,
    coll: str,
    keys: list[list[Any]] | list[tuple[Any, ...]],
    action: str,
    fields: dict[str, Any],
) -> None:
    place = f"{system}.{coll}"
    have = set(
        uow.session.scalars(
            select(ErasureJournal.key_hash).where(
                ErasureJournal.request_id == req.id,
                ErasureJournal.system == system,
                ErasureJournal.collection == coll,
            )
        )
    )
    for key in keys:
        digest = key_hash(uow, place, tuple(key))
        if digest not in have:
            have.add(digest)
            uow.session.add(
                ErasureJournal(
                    request_id=req.id,
                    system=system,
                    collection=coll,
                    key_hash=digest,
                    action=action,
                    fields=fields,
                    erased_at=uow.now(),
                )
            )


def replay(*, uow: UnitOfWork, request_id: int | None = None) -> dict[str, int]:
    """Erase again, in a restored database, every row the journal names (by keyed hash)."""
    query = select(ErasureJournal)
    if request_id is not None:
        query = query.where(ErasureJournal.request_id == request_id)
    by_place: dict[str, dict[str, ErasureJournal]] = {}
    for entry in uow.session.scalars(query):
        by_place.setdefault(f"{entry.system}.{entry.collection}", {})[entry.key_hash] = entry
    counts: dict[str, int] = {}
    for place, entries in sorted(by_place.items()):
        counts[place] = _replay_place(uow, place, entries)
    uow.audit("erasure.replay", "erasure", request_id, details={"changed": counts})
    return counts


def _replay_place(uow: UnitOfWork, place: str, entries: dict[str, ErasureJournal]) -> int:
    system_id, name = place.split(".", 1)
    coll = uow.garant.datamap.collection(system_id, name)
    connector = connector_for(uow.garant, system_id)
    wanted: list[tuple[Any, ...]] = []
    gone: list[tuple[Any, ...]] = []
    for row in connector.stream(coll, select=list(coll.key_columns)):
        key = tuple(row.get(c) for c in coll.key_columns)
        entry = entries.get(key_hash(uow, place, key))
        if entry is not None:
            # archived rows live in the archive only (DEF-R3): removed, never rewritten
            (gone if entry.action == "archive" else wanted).append(key)
    if coll.erasure == "delete_row":
        wanted, gone = [], gone + wanted
    rows = _read(uow, system_id, coll, wanted)
    with connector.transaction():
        changed = connector.delete(coll, gone) if gone else 0
        changed += connector.update(coll, _changes(uow, coll, place, rows)) if rows else 0
    for entry in entries.values():
        entry.replayed_at = uow.now()
    return changed


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
