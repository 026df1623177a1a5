"""What a live database declares: tables, columns, keys and foreign keys, partitions folded.

Both ``datamap infer`` and ``datamap check`` read the schema through here, so that they
agree on what a table is. On PostgreSQL a partitioned table is one table: its partitions
are folded into it, and the foreign keys declared on the partitions (Pagila declares its
payment keys there, not on the parent) are lifted to the parent. A key declared on some
partitions and missing on others (Pagila's July 2022 payment partition has none) is
still lifted, because a query on the parent reads every partition; the evidence names the
partitions that lack it so that a person can decide.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Inspector
from sqlalchemy.types import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Time,
    TypeEngine,
)

from garant.errors import ConnectorError

DIALECT_KINDS = {
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
}


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str
    """The type as the database names it (``integer``, ``character varying(45)``)."""
    family: str
    """text, integer, numeric, date, datetime, time, boolean, binary, json or other."""
    nullable: bool


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...]
    origin: str = "declared"
    """``declared`` on the table, ``partitions`` (lifted from them), or ``inferred``."""
    declared_on: tuple[str, ...] = ()
    missing_on: tuple[str, ...] = ()

    @property
    def signature(self) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
        return (self.columns, self.target, self.target_columns)


@dataclass
class TableInfo:
    name: str
    columns: list[ColumnInfo]
    primary_key: tuple[str, ...]
    unique: list[tuple[str, ...]] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    partitions: tuple[str, ...] = ()
    index_leads: set[str] = field(default_factory=set)
    """Columns some index starts with (the key's and unique constraints' included)."""
    index_expressions: list[str] = field(default_factory=list)
    """Indexed expressions, as the database prints them (``lower(email)``)."""
    partition_index_leads: dict[str, set[str]] = field(default_factory=dict)

    def unindexed_partitions(self, column: str) -> list[str]:
        return sorted(p for p, leads in self.partition_index_leads.items() if column not in leads)

    def column(self, name: str) -> ColumnInfo | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass
class SchemaInfo:
    kind: str
    """sqlite, postgresql or mysql (the data map's system kinds)."""
    schema: str | None
    tables: dict[str, TableInfo]

    def table(self, name: str) -> TableInfo | None:
        return self.tables.get(name)


_FAMILIES: tuple[tuple[type[TypeEngine[Any]], str], ...] = (
    (Boolean, "boolean"),
    (DateTime, "datetime"),
    (Date, "date"),
    (Time, "time"),
    (Integer, "integer"),
    (Numeric, "numeric"),
    (Float, "numeric"),
    (LargeBinary, "binary"),
    (JSON, "json"),
    (String, "text"),
)


def type_family(sql_type: TypeEngine[Any]) -> str:
    """The broad kind of a column type, the only thing inference and checks compare."""
    for cls, family in _FAMILIES:
        if isinstance(sql_type, cls):
            return family
    name = type(sql_type).__name__.lower()
    if "bytea" in name or "blob" in name:
        return "binary"
    if "json" in name:
        return "json"
    if "inet" in name or "uuid" in name or "text" in name or "char" in name:
        return "text"
    return "other"


def _type_text(sql_type: TypeEngine[Any], dialect: object) -> str:
    try:
        return str(sql_type.compile(dialect=dialect)).lower()  # type: ignore[arg-type]
    except Exception:  # a type the dialect cannot render (NullType): name its class
        return type(sql_type).__name__.lower()


def kind_of(engine: Engine) -> str:
    kind = DIALECT_KINDS.get(engine.dialect.name)
    if kind is None:
        raise ConnectorError(
            f"{engine.dialect.name}: not a supported database (sqlite, postgresql, mysql)"
        )
    return kind


def read_schema(engine: Engine, *, schema: str | None = None) -> SchemaInfo:
    """Every base table of the database (views left out), partitions folded into parents."""
    kind = kind_of(engine)
    insp = inspect(engine)
    names = sorted(insp.get_table_names(schema=schema))
    parents: dict[str, str] = _pg_partitions(engine, schema) if kind == "postgresql" else {}
    tables: dict[str, TableInfo] = {}
    for name in names:
        if name in parents:
            continue
        tables[name] = _read_table(insp, engine, name, schema)
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in parents.items():
        children[parent].append(child)
    for parent, kids in children.items():
        if parent in tables:
            _lift_partition_keys(tables[parent], insp, sorted(kids), schema, parents)
    return SchemaInfo(kind, schema, tables)


def _read_table(insp: Inspector, engine: Engine, name: str, schema: str | None) -> TableInfo:
    columns = [
        ColumnInfo(
            c["name"],
            _type_text(c["type"], engine.dialect),
            type_family(c["type"]),
            bool(c.get("nullable", True)),
        )
        for c in insp.get_columns(name, schema=schema)
    ]
    pk = tuple(insp.get_pk_constraint(name, schema=schema).get("constrained_columns") or ())
    unique = [tuple(u["column_names"]) for u in insp.get_unique_constraints(name, schema=schema)]
    fks = _declared_keys(insp, name, schema)
    table = TableInfo(name, columns, pk, unique, fks)
    _read_indexes(insp, table, name, schema)
    return table


def _read_indexes(insp: Inspector, table: TableInfo, name: str, schema: str | None) -> None:
    """What lets a lookup by a column avoid scanning the table."""
    for cols in (table.primary_key, *table.unique):
        if cols:
            table.index_leads.add(cols[0])
    for index in insp.get_indexes(name, schema=schema):
        names = index.get("column_names") or []
        expressions = [str(e) for e in (index.get("expressions") or []) if e is not None]
        if names and names[0] is not None:
            table.index_leads.add(names[0])
        elif expressions:
            table.index_expressions.append(expressions[0].lower())


def _declared_keys(insp: Inspector, name: str, schema: str | None) -> list[ForeignKey]:
    keys: list[ForeignKey] = []
    for fk in insp.get_foreign_keys(name, schema=schema):
        target_schema = fk.get("referred_schema")
        if target_schema not in (None, schema) and schema is not None:
            continue  # a key into another schema is not a collection of this system
        keys.append(
            ForeignKey(
                tuple(fk["constrained_columns"]),
                fk["referred_table"],
                tuple(fk["referred_columns"]),
            )
        )
    return keys


def _pg_partitions(engine: Engine, schema: str | None) -> dict[str, str]:
    """Each partition's root table, however deep the partitioning (PostgreSQL 12+)."""
    query = text(
        "SELECT c.relname AS child, r.relname AS root "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_class r ON r.oid = pg_partition_root(c.oid) "
        "WHERE c.relispartition AND n.nspname = COALESCE(:schema, current_schema())"
    )
    with engine.connect() as conn:
        return {row.child: row.root for row in conn.execute(query, {"schema": schema})}


def _lift_partition_keys(
    parent: TableInfo,
    insp: Inspector,
    partitions: list[str],
    schema: str | None,
    partition_roots: dict[str, str],
) -> None:
    """Give the parent every key its partitions declare, saying where each was found."""
    parent.partitions = tuple(partitions)
    # An index on every partition serves the parent as well as one on the parent.
    per_part = [_read_table(insp, insp.bind, p, schema) for p in partitions]  # type: ignore[arg-type]
    if per_part:
        parent.partition_index_leads = {t.name: t.index_leads for t in per_part}
        parent.index_leads |= set.intersection(*(t.index_leads for t in per_part))
        parent.index_expressions += sorted(
            set.intersection(*(set(t.index_expressions) for t in per_part))
        )
    leaves = partitions
    found: dict[tuple[tuple[str, ...], str, tuple[str, ...]], list[str]] = defaultdict(list)
    for part in leaves:
        for fk in _declared_keys(insp, part, schema):
            target = partition_roots.get(fk.target, fk.target)
            found[(fk.columns, target, fk.target_columns)].append(part)
    own = {fk.signature for fk in parent.foreign_keys}
    for (cols, target, target_cols), on in found.items():
        if (cols, target, target_cols) in own:
            continue
        missing = tuple(p for p in leaves if p not in on)
        parent.foreign_keys.append(
            ForeignKey(cols, target, target_cols, "partitions", tuple(on), missing)
        )
