"""PostgreSQL lookups sent to psycopg directly, the lookups of one step in one round trip.

The lookups of one step of a discovery do not depend on each other (a person's payments
and rentals; then their address, store, staff and inventory): on a held reading
connection they are sent together in psycopg's pipeline mode and their results come back
together, instead of one round trip each, and without SQLAlchemy's execution machinery
around each statement (about as much time again as the round trips, for a small person).

Only statements SQLAlchemy has already run are sent this way, and only when that run
showed that SQLAlchemy changes nothing on the way: the same SQL text (values bound,
identifiers quoted by the dialect), the same parameters once the type's bind processors
have run, and rows handed over as the driver's own tuples (no result processor). So a
direct lookup sends and returns exactly what the SQLAlchemy one did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from garant.connectors.base import BATCH, Batch
from garant.errors import ConnectorError


@dataclass(frozen=True)
class Direct:
    """A compiled lookup as SQLAlchemy sent it: its text, result names, bind processors."""

    sql: str
    names: list[str]
    binds: dict[str, Callable[[Any], Any]]

    def parameters(self, params: dict[str, Any]) -> dict[str, Any]:
        binds = self.binds
        return {k: binds[k](v) if k in binds else v for k, v in params.items()}


def learn(result: Any, params: dict[str, Any], driver_rows: bool) -> Direct | None:
    """The statement of a SQLAlchemy result, if it may be sent directly from now on: its
    rows were the driver's (``driver_rows``) and its text and parameters are what
    SQLAlchemy sent (no expanded or post-compiled parameters, nothing else changed)."""
    context = getattr(result, "context", None)
    compiled = getattr(context, "compiled", None)
    binds = getattr(compiled, "_bind_processors", None)
    if not driver_rows or compiled is None or binds is None or compiled.positional:
        return None
    sent = getattr(context, "parameters", None)
    direct = Direct(compiled.string, list(result.keys()), dict(binds))
    if (
        getattr(context, "statement", None) != direct.sql
        or not sent
        or sent[0] != direct.parameters(params)
    ):
        return None
    return direct


def driver_connection(connection: Any) -> psycopg.Connection[Any] | None:
    """The psycopg connection under a SQLAlchemy one, when it is one in autocommit mode
    (a reading connection: a failed statement leaves no transaction to abort)."""
    raw = getattr(getattr(connection, "connection", None), "driver_connection", None)
    if isinstance(raw, psycopg.Connection) and raw.autocommit:
        return raw
    return None


def run(
    conn: psycopg.Connection[Any],
    statements: Sequence[tuple[Direct, dict[str, Any]]],
    where: str,
    meanwhile: Callable[[], None] | None = None,
) -> list[Iterator[Batch]]:
    """Send ``statements`` (several: in one pipeline) and give each one's rows in batches.
    ``meanwhile`` runs once they are sent, while the server works on them.

    A failing statement raises ``ConnectorError`` naming the database's reason; the
    statements after it in the pipeline are not run, and the connection stays usable."""
    cursors: list[psycopg.Cursor[Any]] = []
    try:
        with conn.pipeline():
            for direct, params in statements:
                cursor = conn.cursor()
                cursors.append(cursor)
                cursor.execute(direct.sql, direct.parameters(params))
            if meanwhile is not None:
                meanwhile()
    except BaseException as exc:
        for cursor in cursors:
            cursor.close()
        if isinstance(exc, psycopg.Error):
            raise ConnectorError(f"{where}: query failed: {_reason(exc)}") from None
        raise
    return [
        _batches(cursor, direct.names, where)
        for cursor, (direct, _) in zip(cursors, statements, strict=True)
    ]


def _batches(cursor: psycopg.Cursor[Any], names: list[str], where: str) -> Iterator[Batch]:
    """A short batch is the last one (no extra call to learn that nothing is left)."""
    try:
        while chunk := cursor.fetchmany(BATCH):
            yield names, chunk
            if len(chunk) < BATCH:
                break
    except psycopg.Error as exc:
        raise ConnectorError(f"{where}: query failed: {_reason(exc)}") from None
    finally:
        cursor.close()


def _reason(exc: psycopg.Error) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
