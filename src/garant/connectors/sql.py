"""SQLite, PostgreSQL (partitioned tables included) and MariaDB/MySQL through SQLAlchemy Core.

Tables are described from the live schema once per connector (one inspector call per
table) and checked against the map, so a column the map names but the table lacks is a
clear ``ConnectorError`` before any query runs. Values are always bound parameters and
identifiers are quoted by the dialect: nothing a person types ever becomes SQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    Column,
    ColumnElement,
    Connection,
    Engine,
    MetaData,
    Table,
    and_,
    any_,
    bindparam,
    create_engine,
    delete,
    func,
    inspect,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.exc import DBAPIError, NoSuchTableError, SQLAlchemyError
from sqlalchemy.sql.sqltypes import NullType

from garant.connectors.base import (
    ARRAY_KEYS_PER_QUERY,
    BATCH,
    KEYS_PER_QUERY,
    Condition,
    Row,
    batched,
)
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
        table = self.table(collection)
        cols = [table.c[c] for c in columns]
        cleaned = _coerce_all(cols, values)
        if not cleaned:
            return
        target = _selection(table, select)
        matched: list[ColumnElement[Any]] = list(cols)
        if casefold and len(cols) == 1:
            matched = [func.lower(cols[0])]
            cleaned = list(dict.fromkeys((str(v[0]).lower(),) for v in cleaned))
        if self.system.kind == "postgresql" and not any(_untyped(c) for c in cols):
            # One array parameter per column: psycopg parses no thousands of placeholders
            # and PostgreSQL plans one statement whatever the number of keys.
            for chunk in batched(cleaned, ARRAY_KEYS_PER_QUERY):
                arrays = [list(c) for c in zip(*chunk, strict=True)]
                where = _any(matched, [c.type for c in cols], arrays)
                yield from self._rows(_select(target).where(where))
            return
        for chunk in batched(cleaned, KEYS_PER_QUERY // len(cols)):
            yield from self._rows(_select(target).where(_in(matched, chunk)))

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
        clauses = [_condition(table, c) for c in where]
        query = _select(_selection(table, select)).where(and_(true(), *clauses))
        return self._rows(query)

    def _rows(self, query: Any) -> Iterator[Row]:
        """Rows as plain dicts, fetched a batch at a time (tuples zipped with the column
        names: several times faster than mapping rows one by one)."""
        try:
            if self._conn is not None:
                yield from _dicts(self._conn.execute(query))
                return
            with self._connect() as conn:
                yield from _dicts(conn.execution_options(yield_per=BATCH).execute(query))
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
            self._conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            try:
                yield
            finally:
                self._conn = None

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
            stmt = update(table).where(_in(keys, chunk)).values(values)
            count += self._execute(stmt)
        return count

    def delete(self, collection: Collection, keys: Iterable[Key]) -> int:
        table = self.table(collection)
        cols = [table.c[c] for c in collection.key_columns]
        count = 0
        with self.transaction():
            for chunk in batched(keys, BATCH):
                count += self._execute(delete(table).where(_in(cols, chunk)))
        return count

    def _execute(self, stmt: Any) -> int:
        assert self._conn is not None
        try:
            return int(self._conn.execute(stmt).rowcount or 0)
        except DBAPIError as exc:
            raise ConnectorError(f"{self.system.id}: change refused: {_reason(exc)}") from None

    def close(self) -> None:
        self.engine.dispose()


def _dicts(result: Any) -> Iterator[Row]:
    names = list(result.keys())
    while chunk := result.fetchmany(BATCH):
        for values in chunk:
            yield dict(zip(names, values, strict=True))


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).strip().splitlines()[0]


def _selection(table: Table, names: Sequence[str] | None) -> list[Column[Any]]:
    if names is None:
        return list(table.columns)
    missing = [n for n in names if n not in table.c]
    if missing:
        raise ConnectorError(f"{table.name}: no column(s) {', '.join(missing)}")
    return [table.c[n] for n in names]


def _select(columns: list[Column[Any]]) -> Any:
    return select(*columns)


def _in(cols: Sequence[ColumnElement[Any]], chunk: list[Key]) -> ColumnElement[bool]:
    if len(cols) == 1:
        return cols[0].in_([k[0] for k in chunk])
    return tuple_(*cols).in_(chunk)


def _untyped(col: Column[Any]) -> bool:
    return isinstance(col.type, NullType)


def _any(
    cols: Sequence[ColumnElement[Any]], types: list[Any], columns: list[list[Any]]
) -> ColumnElement[bool]:
    """``col = ANY(:keys)``, or ``(a, b) IN (SELECT * FROM unnest(:a, :b))`` for composite
    keys: each column's values bound as one typed array."""
    arrays = [
        bindparam(f"keys_{i}", values, type_=ARRAY(kind))
        for i, (kind, values) in enumerate(zip(types, columns, strict=True))
    ]
    if len(cols) == 1:
        return cols[0] == any_(arrays[0])
    names = [f"k{i}" for i in range(len(cols))]
    pairs = func.unnest(*arrays).table_valued(*names).render_derived()
    return tuple_(*cols).in_(select(*(pairs.c[n] for n in names)))


def _coerce_all(cols: list[Column[Any]], values: Iterable[Key]) -> list[Key]:
    """Values in the columns' own types; a value that cannot be one (text for a number)
    matches nothing and is dropped rather than sent."""
    out: dict[Key, None] = {}
    for value in values:
        converted = tuple(_coerce(col, v) for col, v in zip(cols, value, strict=True))
        if all(v is not _INVALID and v is not None for v in converted):
            out.setdefault(converted, None)
    return list(out)


_INVALID = object()


def _coerce(col: Column[Any], value: Any) -> Any:
    try:
        kind = col.type.python_type
    except NotImplementedError:
        return value
    if value is None or isinstance(value, kind):
        return value
    if kind is int and isinstance(value, str):
        text = value.strip()
        return int(text) if text.lstrip("-").isdigit() and len(text) < 19 else _INVALID
    if kind is str:
        return str(value)
    parse = _PARSERS.get(kind)
    if parse is not None and isinstance(value, str):
        try:
            return parse(value.strip())
        except (ValueError, ArithmeticError):
            return _INVALID
    return value


_PARSERS: dict[type, Any] = {
    float: float,
    Decimal: Decimal,
    UUID: UUID,
    date: date.fromisoformat,
    datetime: datetime.fromisoformat,
}


def _condition(table: Table, cond: Condition) -> ColumnElement[bool]:
    if cond.column not in table.c:
        raise ConnectorError(f"{table.name}: no column {cond.column}")
    col = table.c[cond.column]
    ops: dict[str, Any] = {
        "=": lambda: col == cond.value,
        "!=": lambda: col != cond.value,
        "<": lambda: col < cond.value,
        "<=": lambda: col <= cond.value,
        ">": lambda: col > cond.value,
        ">=": lambda: col >= cond.value,
        "is_null": lambda: col.is_(None),
        "not_null": lambda: col.is_not(None),
        "in": lambda: col.in_(list(cond.value)),
    }
    result: ColumnElement[bool] = ops[cond.op]()
    return result
