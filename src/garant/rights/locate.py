"""From the identities a person gives to the rows that are theirs, through the data map.

The traversal is the subjects engine's (``owns`` references only, never ``context`` or
``stop``, so nobody else's row is ever taken for the person's); this module keeps what
the rights workflow needs on top: rows per place, a number match for identity, and the
email address on file. A row of a ``shared`` collection that the person owns (a household
row holding the holder's own phone and address) is theirs too: in the access package, and
in the erasure plan, which keeps it and says why (``shared``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from garant.connectors import Row, connector_for
from garant.datamap.models import DataMap

if TYPE_CHECKING:
    from garant.app import Garant

Place = tuple[str, str]


@dataclass
class Located:
    """The person's own rows per (system, collection), and the identity kinds that matched."""

    rows: dict[Place, list[Row]] = field(default_factory=dict)
    matched_kinds: set[str] = field(default_factory=set)

    @property
    def found(self) -> bool:
        return any(self.rows.values())

    def count(self) -> int:
        return sum(len(r) for r in self.rows.values())

    def places(self) -> Iterator[tuple[Place, list[Row]]]:
        yield from ((p, r) for p, r in sorted(self.rows.items()) if r)


def datamap_of(garant: Garant) -> DataMap | None:
    """The workspace's data map, or ``None`` when the workspace has none yet."""
    if not garant.datamap_path.exists():
        return None
    return garant.datamap


def locate(garant: Garant, identities: dict[str, str]) -> Located:
    """Every row the person owns in every connected system (``garant.subjects`` traversal)."""
    from garant.subjects.find import traverse
    from garant.subjects.rules import Identity

    out = Located()
    if datamap_of(garant) is None:
        return out
    found = traverse(garant, [Identity(k, v) for k, v in sorted(identities.items())])
    for rowset in found.rowsets:
        if rowset.owned:
            out.rows[(rowset.system.id, rowset.collection.name)] = list(rowset.owned.values())
            out.matched_kinds.update(k for k in rowset.collection.identity if k in identities)
    return out


def number_matches(garant: Garant, identities: dict[str, str]) -> bool:
    """A customer or member number and another identity lead to the same row (proof of identity)."""
    numbers = {k: v for k, v in identities.items() if k.endswith("_number")}
    others = {k: v for k, v in identities.items() if not k.endswith("_number")}
    datamap = datamap_of(garant)
    if not numbers or not others or datamap is None:
        return False
    for system in datamap.systems:
        connector = connector_for(garant, system.id)
        for col in system.collections:
            kinds = set(col.identity)
            number_kinds = kinds & set(numbers)
            other_kinds = kinds & set(others)
            for nk in number_kinds:
                rows = list(connector.find(col, [col.identity[nk]], [(numbers[nk],)]))
                for row in rows:
                    for ok in other_kinds:
                        stored = str(row.get(col.identity[ok]) or "").strip().lower()
                        if stored and stored == others[ok].strip().lower():
                            return True
    return False


def contact_on_file(garant: Garant, located: Located) -> str | None:
    """The email address the organization holds for the person (where a code is sent)."""
    datamap = datamap_of(garant)
    if datamap is None:
        return None
    for (system_id, name), rows in located.places():
        column = datamap.collection(system_id, name).identity.get("email")
        if column:
            for row in rows:
                if row.get(column):
                    return str(row[column])
    return None
