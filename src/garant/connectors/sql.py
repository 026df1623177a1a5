"""SQLite, PostgreSQL (partitioned tables included) and MariaDB/MySQL through SQLAlchemy Core.

Tables are described from the live schema once per connector (one inspector call per
table) and checked against the map, so a column the map names but the table lacks is a
clear ``ConnectorError`` before any query runs. Values are always bound parameters and
identifiers are quoted by the dialect: nothing a person types ever becomes SQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Engine,
    MetaData,
    Table,
    and_,
    bindparam,
    create_engine,
    delete,
    func,
    inspect,
    true,
    tuple_,
    update,
)
from sqlalchemy.exc import DBAPIError, NoSuchTableError, SQLAlchemyError

from garant.connectors import direct, statements
from garant.connectors.base import (
    ARRAY_KEYS_PER_QUERY,
    BATCH,
    KEYS_PER_QUERY,
    Batch,
    Condition,
    Lookup,
    Row,
    batched,
)
from garant.connectors.coerce import coerce_all
from garant.datamap.models import Collection, Key, System
from garant.errors import ConnectorError

DRIVERS = {
    "sqlite": ("sqlite",),
    "postgresql": ("postgresql",),
    "mysql": ("mysql", "mariadb"),
}


class SqlConnector:
    def __init__(self, system: System, url: str):
        scheme = url.split(":", 1)[0].split("+", 1)[0]
        if scheme not in DRIVERS[system.kind]:
            raise ConnectorError(
                f'system "{system.id}" is declared {system.kind} but its URL is {scheme}'
            )
        self.system = system
        self.engine: Engine = create_engine(url, pool_pre_ping=system.kind != "sqlite")
        self._tables: dict[str, Table] = {}
        self._statements: dict[tuple[Any, ...], _Statement] = {}
        self._local = threading.local()  # a held connection belongs to one thread (web workers)

    @property
    def _conn(self) -> Connection | None:
        held: Connection | None = getattr(self._local, "conn", None)
        return held

    @_conn.setter
    def _conn(self, value: Connection | None) -> None:
        self._local.conn = value

    # --- schema ------------------------------------------------------------------
    def table(self, collection: Collection) -> Table:
        cached = self._tables.get(collection.name)
        if cached is not None:
            return cached
        name, schema = collection.table_name, collection.db_schema
        where = f"{self.system.id}.{collection.name}"
        try:
            described = inspect(self.engine).get_columns(name, schema=schema)
        except NoSuchTableError:
            described = []
        except SQLAlchemyError as exc:
            raise ConnectorError(f"{where}: cannot read the table {name}: {_reason(exc)}") from None
        if not described:
            raise ConnectorError(f'{where}: table "{name}" does not exist in {self.system.id}')
        live = {c["name"]: c["type"] for c in described}
        missing = [c for c in collection.columns_used() if c not in live]
        if missing:
            raise ConnectorError(
                f"{where}: the data map names column(s) {', '.join(missing)} that table "
                f'"{name}" does not have (it has: {", ".join(live)})'
            )
        table = Table(name, MetaData(), *(Column(n, t) for n, t in live.items()), schema=schema)
        self._tables[collection.name] = table
        return table

    def columns(self, collection: Collection) -> list[str]:
        return [c.name for c in self.table(collection).columns]

    # --- reading -------------------------------------------------------------------
    def find(
        self,
        collection: Collection,
        columns: Sequence[str],
        values: Iterable[Key],
        *,
        select: Sequence[str] | None = None,
        casefold: bool = False,
    ) -> Iterator[Row]:
        for names, chunk in self.find_batches(
            collection, columns, values, select=select, casefold=casefold
        ):
            for row in chunk:
                yield dict(zip(names, row, strict=True))

    def find_batches(
        self,
        collection: Collection,
        columns: Sequence[str],
        values: Iterable[Key],
        *,
        select: Sequence[str] | None = None,
        casefold: bool = False,
    ) -> Iterator[tuple[list[str], Sequence[Sequence[Any]]]]:
        for entry, params in self._plan(Lookup(collection, columns, values, select, casefold)):
            yield from self._run(entry, params)

    def find_many(
        self, lookups: Sequence[Lookup], *, meanwhile: Callable[[], None] | None = None
    ) -> list[Iterator[Batch]]:
        """Independent lookups, each one's batches in order. On a PostgreSQL reading
        connection, once each statement has been run, they go to the server together
        (psycopg's pipeline mode: one round trip) and ``meanwhile`` runs while the server
        works on them; elsewhere ``meanwhile`` runs first and each lookup when its batches
        are first read, as ``find_batches`` would."""
        plans = [self._plan(lookup) for lookup in lookups]
        raw = self._direct_connection()
        statements = [(entry.direct, params) for plan in plans for entry, params in plan]
        if raw is None or not statements or any(d is None for d, _ in statements):
            if meanwhile is not None:
                meanwhile()
            return [self._run_plan(plan) for plan in plans]
        ready = [(d, p) for d, p in statements if d is not None]
        results = iter(direct.run(raw, ready, self.system.id, meanwhile))
        return [chain.from_iterable([next(results) for _ in plan]) for plan in plans]

    def _plan(self, lookup: Lookup) -> list[tuple[_Statement, dict[str, Any]]]:
        """A lookup's statements with their parameters (more than one past a batch of keys)."""
        collection, columns = lookup.collection, lookup.columns
        table = self.table(collection)
        cols = [table.c[c] for c in columns]
        cleaned = coerce_all(cols, lookup.values)
        if not cleaned:
            return []
        fold = lookup.casefold and len(cols) == 1
        if fold:
            cleaned = list(dict.fromkeys((str(v[0]).lower(),) for v in cleaned))
        select = lookup.select
        shape = (tuple(columns), None if select is None else tuple(select), fold)
        if self.system.kind == "postgresql" and not any(statements.untyped(c) for c in cols):
            # One array parameter per column: psycopg parses no thousands of placeholders
            # and PostgreSQL plans one statement whatever the number of keys.
            entry = self._lookup(collection, shape, 0)
            return [
                (entry, {f"keys_{i}": list(c) for i, c in enumerate(zip(*chunk, strict=True))})
                for chunk in batched(cleaned, ARRAY_KEYS_PER_QUERY)
            ]
        limit = KEYS_PER_QUERY // len(cols)
        plan = []
        for chunk in batched(cleaned, limit):
            size = statements.bucket(len(chunk), limit)
            plan.append((self._lookup(collection, shape, size), statements.in_params(chunk, size)))
        return plan

    def _run_plan(self, plan: list[tuple[_Statement, dict[str, Any]]]) -> Iterator[Batch]:
        for entry, params in plan:
            yield from self._run(entry, params)

    def _run(self, entry: _Statement, params: dict[str, Any]) -> Iterator[Batch]:
        raw = self._direct_connection()
        if raw is not None and entry.direct is not None:
            yield from direct.run(raw, [(entry.direct, params)], self.system.id)[0]
            return
        yield from self._batches(entry.query, params, learn=entry if raw is not None else None)

    def _direct_connection(self) -> Any:
        """The held psycopg connection lookups may be sent to directly: PostgreSQL, held by
        ``reading()``, and nobody listening to the engine's statements (tests, tracing,
        ``echo``: they see every statement through SQLAlchemy)."""
        raw = getattr(self._local, "raw", None)
        if raw is None or self._conn is None:
            return None
        events = self.engine.dispatch
        if events.before_cursor_execute or events.after_cursor_execute or self.engine.echo:
            return None
        return raw

    def _lookup(self, collection: Collection, shape: tuple[Any, ...], size: int) -> _Statement:
        """The lookup statement, built once per shape and reused: SQLAlchemy then finds
        its compiled form in the engine's cache without rebuilding, re-hashing or
        re-rendering it. Keys stay bound parameters: typed arrays (``size`` 0), else an
        ``IN`` list of ``size`` placeholders (a power of two, the keys padded with
        their last one: a handful of statement texts per shape, whatever the counts)."""
        cached = self._statements.get((collection.name, *shape, size))
        if cached is not None:
            return cached
        columns, select, fold = shape
        table = self.table(collection)
        cols = [table.c[c] for c in columns]
        matched: list[ColumnElement[Any]] = [func.lower(cols[0])] if fold else list(cols)
        if not size:
            where = statements.any(matched, [c.type for c in cols])
        elif len(cols) == 1:
            where = matched[0].in_([bindparam(f"k{i}", type_=cols[0].type) for i in range(size)])
        else:
            where = tuple_(*matched).in_(
                [
                    tuple_(*(bindparam(f"k{i}_{j}", type_=c.type) for j, c in enumerate(cols)))
                    for i in range(size)
                ]
            )
        entry = _Statement(statements.select_of(table, select).where(where))
        self._statements[(collection.name, *shape, size)] = entry
        return entry

    def read(
        self, collection: Collection, keys: Iterable[Key], *, select: Sequence[str] | None = None
    ) -> Iterator[Row]:
        return self.find(collection, collection.key_columns, keys, select=select)

    def stream(
        self,
        collection: Collection,
        *,
        where: Sequence[Condition] = (),
        select: Sequence[str] | None = None,
    ) -> Iterator[Row]:
        table = self.table(collection)
        clauses = [statements.condition(table, c) for c in where]
        query = statements.select_of(table, select).where(and_(true(), *clauses))
        return self._rows(query)

    def _rows(self, query: Any, params: dict[str, Any] | None = None) -> Iterator[Row]:
        for names, chunk in self._batches(query, params):
            for row in chunk:
                yield dict(zip(names, row, strict=True))

    def _batches(
        self, query: Any, params: dict[str, Any] | None = None, *, learn: _Statement | None = None
    ) -> Iterator[Batch]:
        """Rows as tuples with their column names, a batch at a time (callers that only
        pick a few columns build no dict per row). ``learn``: a lookup run on a reading
        PostgreSQL connection, which notes whether it may be sent directly next time."""
        try:
            if self._conn is not None:
                result = self._conn.execute(query, params)
                if learn is not None and not learn.tried and params is not None:
                    learn.tried = True
                    learn.direct = direct.learn(result, params, _driver_rows(result))
                yield from _chunks(result)
                return
            with self._connect() as conn:
                yield from _chunks(conn.execution_options(yield_per=BATCH).execute(query, params))
        except DBAPIError as exc:
            raise ConnectorError(f"{self.system.id}: query failed: {_reason(exc)}") from None

    def _connect(self) -> Connection:
        try:
            return self.engine.connect()
        except DBAPIError as exc:
            raise ConnectorError(f"{self.system.id}: cannot connect: {_reason(exc)}") from None

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Hold one connection, without a transaction, for a burst of reads (a discovery):
        no BEGIN/COMMIT and one pool checkout instead of one per query."""
        if self._conn is not None:
            yield
            return
        with self._connect() as conn:
            # SQLite's driver begins no transaction for a SELECT: switching it to
            # autocommit and back would only cost two PRAGMA statements per discovery.
            if self.system.kind != "sqlite":
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            self._conn = conn
            if self.system.kind == "postgresql":
                self._local.raw = direct.driver_connection(conn)
            try:
                yield
            finally:
                self._conn = self._local.raw = None

    # --- writing -------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._conn is not None:
            yield
            return
        with self._connect() as conn, conn.begin():
            self._conn = conn
            try:
                yield
            finally:
                self._conn = None

    def update(self, collection: Collection, changes: Iterable[tuple[Key, Row]]) -> int:
        table = self.table(collection)
        keys = [table.c[c] for c in collection.key_columns]
        groups: dict[tuple[tuple[str, Any], ...], list[Key]] = {}
        singles: list[tuple[Key, Row]] = []
        for key, values in changes:
            try:
                groups.setdefault(tuple(sorted(values.items())), []).append(key)
            except TypeError:
                singles.append((key, values))
        count = 0
        with self.transaction():
            for items, group in groups.items():
                count += self._update_group(table, keys, dict(items), group)
            for key, values in singles:
                count += self._update_group(table, keys, values, [key])
        return count

    def _update_group(
        self, table: Table, keys: list[Column[Any]], values: Row, group: list[Key]
    ) -> int:
        assert self._conn is not None
        count = 0
        for chunk in batched(group, BATCH):
            stmt = update(table).where(statements.keys_in(keys, chunk)).values(values)
            count += self._execute(stmt)
        return count

    def delete(self, collection: Collection, keys: Iterable[Key]) -> int:
        table = self.table(collection)
        cols = [table.c[c] for c in collection.key_columns]
        count = 0
        with self.transaction():
            for chunk in batched(keys, BATCH):
                count += self._execute(delete(table).where(statements.keys_in(cols, chunk)))
        return count

    def _execute(self, stmt: Any) -> int:
        assert self._conn is not None
        try:
            return int(self._conn.execute(stmt).rowcount or 0)
        except DBAPIError as exc:
            raise ConnectorError(f"{self.system.id}: change refused: {_reason(exc)}") from None

    def close(self) -> None:
        self.engine.dispose()


class _Statement:
    """A prebuilt lookup, and its compiled form once it may be sent directly
    (``connectors.direct``: PostgreSQL, after SQLAlchemy ran it once unchanged)."""

    __slots__ = ("direct", "query", "tried")

    def __init__(self, query: Any):
        self.query = query
        self.direct: direct.Direct | None = None
        self.tried = False


def _chunks(result: Any) -> Iterator[Batch]:
    """A short batch is the last one: no extra fetch to learn that nothing is left.
    When no column needs a conversion by SQLAlchemy (PostgreSQL through psycopg: the
    driver gives Python values already), the driver's own tuples are taken as they come,
    without a ``Row`` built around each (a fifth of the time of reading 200,000 rows)."""
    names = list(result.keys())
    fetch = result.fetchmany
    if _driver_rows(result):
        fetch = result.cursor.fetchmany
    try:
        while chunk := fetch(BATCH):
            yield names, chunk
            if len(chunk) < BATCH:
                break
    finally:
        result.close()


def _driver_rows(result: Any) -> bool:
    """True when the result's rows may be read from the driver's cursor directly: a plain
    client-side cursor whose columns have no result processor (SQLAlchemy would hand the
    driver's values over unchanged). Anything else, or a SQLAlchemy that no longer says,
    reads through SQLAlchemy."""
    metadata = getattr(result, "_metadata", None)
    processors = getattr(metadata, "_effective_processors", ())
    if processors is not None or getattr(metadata, "_tuplefilter", None) is not None:
        return False
    cursor = getattr(result, "cursor", None)
    strategy = type(getattr(result, "cursor_strategy", None)).__name__
    return cursor is not None and strategy == "CursorFetchStrategy"


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).strip().splitlines()[0]
