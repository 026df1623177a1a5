"""Looking at the connected databases the data map names: columns and identities.

Set-based and bounded: one sample query per column (LIMIT), identities streamed in
batches; values never leave this module except as keyed hashes or counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, create_engine, inspect, select
from sqlalchemy.engine import Engine

SAMPLE = 50


@dataclass
class ColumnFinding:
    system: str
    table: str
    column: str
    category: str | None
    special: tuple[str, ...] = ()
    mapped: bool = False
    evidence: list[str] = field(default_factory=list)
    special_evidence: list[str] = field(default_factory=list)


def _classifier() -> Any | None:
    try:
        from garant.datamap import classifier, schema_reader
    except ImportError:
        return None
    return classifier, schema_reader


def _missing_sqlite(url: str) -> bool:
    """A SQLite file that is not there: opening it would create an empty one."""
    if not url.startswith("sqlite:///"):
        return False
    path = url.removeprefix("sqlite:///").split("?")[0]
    return path not in ("", ":memory:") and not Path(path).exists()


def unreachable(datamap: Any) -> list[str]:
    """Systems of the map Garant cannot open: no URL, or a SQLite file that is not there."""
    out = []
    for system in datamap.systems:
        url = datamap.url_of(system)
        if not url:
            out.append(f"{system.id} (no URL: set {system.url_env})")
        elif _missing_sqlite(url):
            out.append(f"{system.id} (no database file at {url.removeprefix('sqlite:///')})")
    return out


def engines(datamap: Any) -> Iterator[tuple[Any, Engine]]:
    """An engine per connected SQL system the map names and that can be reached."""
    for system in datamap.systems:
        url = datamap.url_of(system)
        if not url or system.kind not in ("sqlite", "postgresql", "mysql", "mariadb", "sql"):
            continue
        if _missing_sqlite(url):
            continue
        engine = create_engine(url)
        try:
            yield system, engine
        finally:
            engine.dispose()


def _sample(engine: Engine, t: Table, column: str) -> list[object]:
    col = t.c[column]
    query = select(col).where(col.is_not(None)).limit(SAMPLE)
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(query)]


def _mapped_columns(system: Any) -> dict[str, set[str]]:
    return {c.table_name: set(c.columns_used()) for c in system.collections}


def scan_columns(datamap: Any, region: str = "FR") -> list[ColumnFinding]:
    """Every live column the classifier calls personal, with whether the map names it."""
    tools = _classifier()
    if tools is None:
        return []
    classifier, schema_reader = tools
    found: list[ColumnFinding] = []
    for system, engine in engines(datamap):
        mapped = _mapped_columns(system)
        meta = MetaData()
        for name in inspect(engine).get_table_names():
            t = Table(name, meta, autoload_with=engine)
            for col in t.c:
                values = _sample(engine, t, col.name)
                proposal = classifier.classify_column(
                    col.name, schema_reader.type_family(col.type), values, table=name, region=region
                )
                personal = proposal.category is not None and proposal.confidence != "low"
                if personal or proposal.special:
                    found.append(
                        ColumnFinding(
                            system.id,
                            name,
                            col.name,
                            proposal.category if personal else None,
                            tuple(proposal.special),
                            col.name in mapped.get(name, set()),
                            list(proposal.evidence),
                            list(proposal.special_evidence),
                        )
                    )
    return found


def identities(
    datamap: Any, kind: str = "email", activities: set[str] | None = None
) -> Iterator[str]:
    """Distinct identity values of ``kind`` across the mapped collections, streamed."""
    for system, engine in engines(datamap):
        meta = MetaData()
        for collection in system.collections:
            column = collection.identity.get(kind)
            if column is None or (activities is not None and collection.activity not in activities):
                continue
            t = Table(
                collection.table_name, meta, autoload_with=engine, schema=collection.db_schema
            )
            query = select(t.c[column]).where(t.c[column].is_not(None)).distinct()
            with engine.connect() as conn:
                result = conn.execution_options(stream_results=True, yield_per=1000).execute(query)
                for row in result:
                    if str(row[0]).strip():
                        yield str(row[0]).strip()
