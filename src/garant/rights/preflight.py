"""Before an erasure runs: will every value it writes fit its column, and can every
reference cycle among the rows leaving be carried out?

A step the database refuses halfway leaves a request half done, retried in vain, while
its deadline (Art. 12(3)) runs. What can be known beforehand is checked here, from the
live schema, and refused with the data map's file:line (``garant.datamap.erasure_check``,
``garant.rights.cycles``).
"""

from __future__ import annotations

from typing import Any

from garant.store.uow import UnitOfWork


def check(uow: UnitOfWork) -> None:
    """Refuse an erasure the databases would refuse halfway (NULL into a NOT NULL column,
    text into a DATE column, a mask into a number, a cycle of NOT NULL references among
    deleted rows): ``LocatedError`` with the map's file:line for each, before any row of
    any collection is changed."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    from garant.datamap import erasure_check
    from garant.datamap.check import live_schema
    from garant.errors import ConnectorError, LocatedError
    from garant.rights import archiving, cycles
    from garant.sourcefile import load_document

    garant = uow.garant
    datamap = garant.datamap

    def archived(coll: Any) -> bool:
        return archiving.duty(uow, coll) is not None

    found: list[tuple[tuple[Any, ...], str]] = []
    for si, system in enumerate(datamap.systems):
        looped = cycles.groups(system, set(cycles.leaving(system, archived)))
        if not looped and not any(erasure_check.erased_fields(c) for c in system.collections):
            continue
        url = datamap.url_of(system)
        if not url:
            continue  # the connector says so when the step needs the system
        engine = create_engine(url)
        try:
            live = live_schema(system, engine)
        except OperationalError as exc:  # down: one line, the driver's first (no values)
            reason = str(exc.orig or exc).strip().splitlines()[0][:200]
            raise ConnectorError(
                f"{system.id}: unreachable, nothing was changed: {reason}"
            ) from None
        finally:
            engine.dispose()

        def nullable(coll: Any, column: str, live: Any = live) -> bool:
            table = live.table(coll.table_name)
            info = table.column(column) if table is not None else None
            return bool(info and info.nullable)

        found.extend(cycles.problems(system, ("systems", si), nullable, archived))
        for path, coll, _, message in erasure_check.problems(system, live, ("systems", si)):
            found.append((path, f"{system.id}.{coll}: {message}"))
    if found:
        doc = load_document(garant.datamap_path)
        raise LocatedError([(doc.locate(path), message) for path, message in found])
