"""One request, one person: do all the identities given lead to the same rows?

A request that names my email and someone else's member number must not reach the other
person's data (the forged-request attack on access rights). Each identity is followed on
its own through the data map (``owns`` references only); the identities agree when their
sets of owned rows nest (an email that also names a newsletter row owns more than the
member number of the same learner, never other rows) and no identity names two rows of
one collection (a shared phone number names two people). Identities that lead nowhere
are unproven: they are dropped once the person is verified, so nothing is found,
exported or erased through them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from garant.rights.locate import datamap_of

if TYPE_CHECKING:
    from garant.app import Garant
    from garant.connectors import Row
    from garant.datamap.models import Collection

RowId = tuple[str, str, tuple[object, ...]]


@dataclass
class Resolution:
    """What the identities given lead to; ``contact`` is the person's email on file."""

    proven: dict[str, str] = field(default_factory=dict)
    unmatched: dict[str, str] = field(default_factory=dict)
    disagree: bool = False
    contact: str | None = None

    @property
    def found(self) -> bool:
        return bool(self.proven)

    def note(self) -> str:
        """For staff: which kinds lead where (kinds only, never values)."""
        if self.disagree:
            return "identities disagree: " + ", ".join(sorted(self.proven))
        return ""


@dataclass
class _Trail:
    rows: set[RowId]
    ambiguous: bool
    emails: list[str]


def _follow(garant: Garant, kind: str, value: str) -> _Trail:
    from garant.subjects.find import traverse
    from garant.subjects.rules import Identity

    found = traverse(garant, [Identity(kind, value)])
    rows: set[RowId] = set()
    ambiguous = False
    emails: list[str] = []
    for rowset in found.rowsets:
        coll = rowset.collection
        if coll.shared or not rowset.owned:
            continue
        rows.update((rowset.system.id, coll.name, tuple(key)) for key in rowset.owned)
        columns = {c for c in (coll.identity.get(kind), coll.identity.get("email")) if c}
        if not columns:
            continue
        read = _read(garant, rowset.system.id, coll, list(rowset.owned), sorted(columns))
        column = coll.identity.get(kind)
        if column is not None:
            ambiguous = ambiguous or sum(_same(r.get(column), value) for r in read) > 1
        email = coll.identity.get("email")
        if email:
            emails.extend(str(r[email]) for r in read if r.get(email))
    return _Trail(rows, ambiguous, emails)


def _read(
    garant: Garant, system_id: str, coll: Collection, keys: list[Any], columns: list[str]
) -> list[Row]:
    """The identity columns of the person's rows, read by key (the traversal keeps only
    the columns it walks)."""
    from garant.connectors import connector_for

    return list(connector_for(garant, system_id).read(coll, keys, select=columns))


def _same(stored: object, given: str) -> bool:
    return stored is not None and str(stored).strip().casefold() == given.strip().casefold()


def resolve(garant: Garant, identities: dict[str, str]) -> Resolution:
    """Follow every identity alone, then say whether they name one person and which."""
    out = Resolution()
    if datamap_of(garant) is None:
        out.unmatched = dict(identities)
        return out
    trails: dict[str, _Trail] = {}
    for kind, value in sorted(identities.items()):
        trail = _follow(garant, kind, value)
        if trail.rows:
            trails[kind] = trail
            out.proven[kind] = value
        else:
            out.unmatched[kind] = value
    ordered = sorted(trails.values(), key=lambda t: len(t.rows))
    nested = all(a.rows <= b.rows for a, b in zip(ordered, ordered[1:], strict=False))
    out.disagree = not nested or any(t.ambiguous for t in ordered)
    if ordered and not out.disagree:
        emails = sorted(set(ordered[-1].emails), key=str.casefold)
        given = identities.get("email", "")
        out.contact = next((e for e in emails if _same(e, given)), emails[0] if emails else None)
    return out
