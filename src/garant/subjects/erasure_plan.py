"""The erasure plan: what an erasure would delete or rewrite, as a pure function.

Input: a discovery (``SubjectFind``) whose rows carry the columns the strategies need
(``erasure_columns``), the data map, and two functions for keyed hashes and pseudonyms.
Output: per collection, the keys of rows to delete and the per-row field changes, plus
what is kept and why. Rules:

- only the person's own rows are touched; context and shared rows never (a shared
  address stays for the others who use it);
- ``immutable`` rows (an invoice) are never overwritten nor deleted: kept, with reason;
- a row the map deletes is rewritten instead when a row that stays (an immutable one,
  another person's, a rewritten one) still points at it: deleting it would break that
  row or be refused by the database (``links``, from ``referencing_rows``);
- deletions are ordered children first, so foreign keys are never violated.

The rights feature executes the plan (through the connectors) and applies legal holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from garant.datamap.models import Collection, FieldSpec, Key, System
from garant.subjects.schemas import Row, RowSet, SubjectFind

Hasher = Callable[[str, str], str]
"""``(purpose, value) -> keyed hash``, e.g. ``lambda p, v: keys.keyed_hash(p, v)``."""


@dataclass
class CollectionPlan:
    system: str
    collection: str
    delete: list[Key] = field(default_factory=list)
    update: list[tuple[Key, Row]] = field(default_factory=list)
    kept: int = 0
    kept_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "collection": self.collection,
            "delete": len(self.delete),
            "update": len(self.update),
            "fields": sorted({c for _, change in self.update for c in change}),
            "kept": self.kept,
            "kept_reason": self.kept_reason,
        }


@dataclass
class ErasurePlan:
    collections: list[CollectionPlan] = field(default_factory=list)

    def get(self, system: str, collection: str) -> CollectionPlan | None:
        return next(
            (p for p in self.collections if (p.system, p.collection) == (system, collection)),
            None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {"collections": [p.to_dict() for p in self.collections]}


def mask(value: Any) -> str | None:
    """Keep the shape, hide the content: the last two characters stay (``****42``)."""
    if value is None:
        return None
    text = str(value)
    return "*" * max(len(text) - 2, 1) + text[-2:] if len(text) > 2 else "*" * len(text)


def erasure_columns(collection: Collection) -> list[str]:
    """Columns the plan reads to compute new values (masks and hashes need the old one)."""
    return [f.name for f in collection.fields if collection.strategy(f) in ("mask", "keyed_hash")]


Place = tuple[str, str]
"""(system id, collection name)."""
Links = dict[Place, dict[Key, set[tuple[str, Key]]]]
"""Per owned collection and row key, the rows (collection name, key) of the same system
that point at it through any reference of the map (owns, context or stop)."""


def plan_erasure(
    found: SubjectFind, *, hasher: Hasher, pseudonym: Hasher, links: Links | None = None
) -> ErasurePlan:
    """``links`` (from ``referencing_rows``) lets the plan keep any row that a surviving
    row points at: another person's payment on this person's rental, an invoice."""
    plan = ErasurePlan()
    deletable = _deletable(found)
    _keep_referenced(deletable, links or {})
    for rowset in _children_first(found):
        if not rowset.owned:
            continue
        if rowset.collection.shared:  # the person's own row, shared with others: kept, said
            kept = CollectionPlan(rowset.system.id, rowset.collection.name, kept=len(rowset.owned))
            kept.kept_reason = "shared with other people: never erased or rewritten for one"
            plan.collections.append(kept)
            continue
        place = (rowset.system.id, rowset.collection.name)
        plan.collections.append(
            _plan_collection(
                rowset, deletable.get(place, set()), hasher=hasher, pseudonym=pseudonym
            )
        )
    return plan


def _deletable(found: SubjectFind) -> dict[Place, set[Key]]:
    out: dict[Place, set[Key]] = {}
    for rowset in found.rowsets:
        coll = rowset.collection
        if rowset.owned and not coll.immutable and not coll.shared and _deletes_row(coll):
            out[(rowset.system.id, coll.name)] = set(rowset.owned)
    return out


def _deletes_row(coll: Collection) -> bool:
    return any(coll.strategy(f) == "delete_row" for f in coll.fields) or not coll.fields


def _keep_referenced(deletable: dict[Place, set[Key]], links: Links) -> None:
    """Until nothing changes: a row stays when a row that stays points at it."""
    changed = True
    while changed:
        changed = False
        for (system, name), keys in deletable.items():
            pointed = links.get((system, name), {})
            for key in list(keys):
                if any(k not in deletable.get((system, c), ()) for c, k in pointed.get(key, ())):
                    keys.discard(key)
                    changed = True


def _plan_collection(
    rowset: RowSet, deletable: set[Key], *, hasher: Hasher, pseudonym: Hasher
) -> CollectionPlan:
    coll = rowset.collection
    out = CollectionPlan(rowset.system.id, coll.name)
    if coll.immutable:
        out.kept = len(rowset.owned)
        out.kept_reason = (
            coll.immutable_reason or "immutable: corrected by appending, never overwritten"
        )
        return out
    out.delete = [key for key in rowset.owned if key in deletable]
    changed = [f for f in coll.fields if f.name not in coll.key_columns]
    for key, row in rowset.owned.items():
        if key in deletable:
            continue
        if not changed:
            out.kept += 1
            out.kept_reason = "referenced by records that must be kept; holds no personal field"
            continue
        change = {
            spec.name: _new_value(coll, spec, row, hasher=hasher, pseudonym=pseudonym)
            for spec in changed
        }
        out.update.append((key, change))
    return out


def _new_value(
    coll: Collection, spec: FieldSpec, row: Row, *, hasher: Hasher, pseudonym: Hasher
) -> Any:
    strategy = coll.strategy(spec)
    value = row.get(spec.name)
    if strategy == "fixed":
        return spec.erasure_value
    if strategy == "mask":
        return mask(value)
    if strategy == "keyed_hash":
        return None if value is None else hasher(f"erasure:{coll.name}.{spec.name}", str(value))
    if strategy == "pseudonym":
        key = "|".join(str(row.get(c)) for c in coll.key_columns)
        return pseudonym(f"pseudonym:{coll.name}.{spec.name}", key)[:24]
    return None  # "null", and "delete_row" on a row that must stay


def _children_first(found: SubjectFind) -> list[RowSet]:
    """Order rowsets so that a collection comes before the ones its rows point at."""
    depth: dict[tuple[str, str], int] = {}

    def level(system: System, name: str, seen: frozenset[str] = frozenset()) -> int:
        key = (system.id, name)
        if key not in depth:
            refs = [r for r in system.collection(name).references if r.meaning == "owns"]
            depth[key] = 1 + max(
                (level(system, r.to, seen | {name}) for r in refs if r.to not in seen), default=0
            )
        return depth[key]

    return sorted(found.rowsets, key=lambda r: -level(r.system, r.collection.name))
