"""Bounded samples of live data for the classifier, read with SQLAlchemy Core.

One query per table (all its columns at once, ``LIMIT n``), plus one bounded query per
column that the first sample left nearly empty. Identifiers are quoted by SQLAlchemy;
no value from the database is ever put back into SQL text.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, case, column, func, select, table, union_all
from sqlalchemy.sql.expression import TableClause

from garant.datamap.schema_reader import TableInfo

MAX_TEXT = 2000  # characters kept of one sampled value
SPARSE = 3  # fewer non-empty values than this: look again, at that column alone


def table_clause(info: TableInfo, schema: str | None, names: Sequence[str]) -> TableClause:
    return table(info.name, *(column(n) for n in names), schema=schema)


def sample_table(
    conn: Connection, info: TableInfo, schema: str | None, limit: int
) -> dict[str, list[object]]:
    """Up to ``limit`` values per column (binary columns are not read)."""
    names = [c.name for c in info.columns if c.family != "binary"]
    if not names:
        return {}
    clause = table_clause(info, schema, names)
    rows = conn.execute(select(*clause.c).limit(limit)).all()
    values: dict[str, list[object]] = {n: [_trim(r[i]) for r in rows] for i, n in enumerate(names)}
    if len(rows) < limit:
        return values
    for name in names:
        if sum(1 for v in values[name] if v not in (None, "")) < SPARSE:
            col = clause.c[name]
            found = conn.execute(select(col).where(col.is_not(None)).limit(limit)).scalars()
            values[name] = [_trim(v) for v in found]
    return values


def _trim(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return None
    return value


def shared_targets(
    conn: Connection,
    pointers: Sequence[tuple[TableInfo, str]],
    schema: str | None,
    cap: int,
) -> tuple[int, int]:
    """Among up to ``cap`` references per pointing column, how many target rows are
    pointed at more than once, and out of how many distinct targets."""
    parts = []
    for info, name in pointers:
        col = table_clause(info, schema, [name]).c[name]
        inner = select(col.label("k")).where(col.is_not(None)).limit(cap).subquery()
        parts.append(select(inner.c.k))
    keys = union_all(*parts).subquery()
    per_key = select(keys.c.k, func.count().label("n")).group_by(keys.c.k).subquery()
    shared = func.sum(case((per_key.c.n > 1, 1), else_=0))
    row = conn.execute(select(func.count(), shared).select_from(per_key)).one()
    return int(row[1] or 0), int(row[0] or 0)
