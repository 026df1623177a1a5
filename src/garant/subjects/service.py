"""Use cases on a person's data: find it, export it; each access audited with its purpose.

DEF-S2: staff access to a person's data is scoped by purpose and every access is an
audit event (who, when, why, what was reached: counts, never values).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from garant.connectors import Connector, connector_for
from garant.datamap.models import Collection, Key, Reference
from garant.errors import InvalidInput
from garant.store.uow import UnitOfWork
from garant.subjects.erasure_plan import ErasurePlan, Links, erasure_columns, plan_erasure
from garant.subjects.find import key_of, traverse
from garant.subjects.rules import Identity
from garant.subjects.schemas import RowSet, SubjectFind

if TYPE_CHECKING:
    from garant.app import Garant


def subject_refs(uow: UnitOfWork, identities: list[Identity]) -> list[str]:
    """The person's keyed hashes under every key version, for every identity given."""
    refs: list[str] = []
    for identity in identities:
        refs.extend(uow.subject_refs(identity.kind, identity.value))
    return refs


def audit_access(
    uow: UnitOfWork,
    action: str,
    identities: list[Identity],
    *,
    purpose: str,
    details: dict[str, Any],
) -> None:
    first = identities[0]
    others = [uow.subject_ref(i.kind, i.value) for i in identities[1:]]
    uow.audit(
        action,
        "subject",
        None,
        subject_ref=uow.subject_ref(first.kind, first.value),
        details={"purpose": purpose, "identity_kinds": [i.kind for i in identities]}
        | ({"other_refs": others} if others else {})
        | details,
    )


def check_purpose(purpose: str) -> str:
    text = purpose.strip()
    if not text:
        raise InvalidInput("say why you access this person's data (--purpose)")
    if len(text) > 200:
        raise InvalidInput("the purpose is longer than 200 characters")
    return text


def check_identities(garant: Garant, identities: list[Identity]) -> None:
    """Every identity kind must be one the data map can match: a typo finds nothing silently."""
    if not identities:
        raise InvalidInput("give at least one identity, e.g. email=a@b.c")
    known = garant.datamap.identity_kinds()
    unknown = sorted({i.kind for i in identities} - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none: the data map has no identity fields"
        raise InvalidInput(
            f"identity kind {', '.join(unknown)} is not in the data map (known: {listed})"
        )


def find_subject(*, uow: UnitOfWork, identities: list[Identity], purpose: str) -> SubjectFind:
    """Every row that is the person's own, and the context rows, in every mapped system."""
    purpose = check_purpose(purpose)
    check_identities(uow.garant, identities)
    found = traverse(uow.garant, identities)
    audit_access(uow, "subject.find", identities, purpose=purpose, details=found.counts())
    return found


def erasure_plan(*, uow: UnitOfWork, identities: list[Identity], purpose: str) -> ErasurePlan:
    """Discovery, then the plan of what an erasure would delete or rewrite (not applied)."""
    purpose = check_purpose(purpose)
    garant = uow.garant
    check_identities(garant, identities)
    found = traverse(garant, identities)
    for rowset in found.rowsets:
        columns = erasure_columns(rowset.collection)
        if not columns or not rowset.owned:
            continue
        coll = rowset.collection
        connector = connector_for(garant, rowset.system.id)
        for row in connector.read(coll, list(rowset.owned), select=[*coll.key_columns, *columns]):
            rowset.owned[key_of(coll, row)].update(row)
    links = referencing_rows(garant, found)
    plan = plan_erasure(
        found, hasher=uow.keys.keyed_hash, pseudonym=uow.keys.keyed_hash, links=links
    )
    audit_access(uow, "subject.erasure_plan", identities, purpose=purpose, details=found.counts())
    return plan


def referencing_rows(garant: Garant, found: SubjectFind) -> Links:
    """For each owned row the map might delete, the rows pointing at it through any
    reference: one query per reference, in batches."""
    links: Links = {}
    for rowset in found.rowsets:
        target = rowset.collection
        if not rowset.owned or target.immutable or target.shared:
            continue
        connector = connector_for(garant, rowset.system.id)
        place = (rowset.system.id, target.name)
        with connector.reading():
            for coll in rowset.system.collections:
                for ref in coll.references:
                    if ref.to == target.name:
                        _link(connector, rowset, coll, ref, links.setdefault(place, {}))
    return links


def _link(
    connector: Connector, rowset: RowSet, coll: Collection, ref: Reference, out: dict[Key, Any]
) -> None:
    target = rowset.collection
    columns = coll.target_columns(ref, target)
    rows = list(rowset.owned.items())
    if any(c not in row for _, row in rows[:1] for c in columns):
        read = connector.read(target, list(rowset.owned), select=[*target.key_columns, *columns])
        rows = [(key_of(target, row), row) for row in read]
    by_value: dict[Key, list[Key]] = {}
    for key, row in rows:
        by_value.setdefault(tuple(row[c] for c in columns), []).append(key)
    select = list(dict.fromkeys([*coll.key_columns, *ref.columns]))
    for row in connector.find(coll, ref.columns, list(by_value), select=select):
        pointing = (coll.name, key_of(coll, row))
        for key in by_value.get(tuple(row[c] for c in ref.columns), []):
            out.setdefault(key, set()).add(pointing)
