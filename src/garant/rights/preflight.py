"""Before an erasure runs: will every value it writes fit its column?

A step the database refuses halfway leaves a request half done, retried in vain, while
its deadline (Art. 12(3)) runs. What can be known beforehand is checked here, from the
live schema, and refused with the data map's file:line (``garant.datamap.erasure_check``).
"""

from __future__ import annotations

from typing import Any

from garant.store.uow import UnitOfWork


def check(uow: UnitOfWork) -> None:
    """Refuse an erasure the databases would refuse halfway (NULL into a NOT NULL column,
    text into a DATE column, a mask into a number): ``LocatedError`` with the map's
    file:line for each, before any row of any collection is changed."""
    from sqlalchemy import create_engine

    from garant.datamap import erasure_check
    from garant.datamap.check import live_schema
    from garant.errors import LocatedError
    from garant.rights import links
    from garant.sourcefile import load_document

    garant = uow.garant
    datamap = garant.datamap
    found: list[tuple[tuple[Any, ...], str]] = []
    for si, system in enumerate(datamap.systems):
        found.extend(links.cycle_problems(system, ("systems", si)))
        if not any(erasure_check.erased_fields(c) for c in system.collections):
            continue
        url = datamap.url_of(system)
        if not url:
            continue  # the connector says so when the step needs the system
        engine = create_engine(url)
        try:
            live = live_schema(system, engine)
        finally:
            engine.dispose()
        for path, coll, _, message in erasure_check.problems(system, live, ("systems", si)):
            found.append((path, f"{system.id}.{coll}: {message}"))
    if found:
        doc = load_document(garant.datamap_path)
        raise LocatedError([(doc.locate(path), message) for path, message in found])
