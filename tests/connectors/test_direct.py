"""Independent lookups sent together (``Connector.find_many``): on PostgreSQL, once each
statement has run through SQLAlchemy, they go straight to psycopg in one pipeline."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, event, text

from garant.connectors import Lookup, open_connector, sql
from garant.datamap.models import DataMap
from garant.errors import ConnectorError

SCHEMA = [
    "CREATE TABLE people (id INTEGER PRIMARY KEY, email VARCHAR(100), amount NUMERIC(8, 2))",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, person_id INTEGER, placed DATE)",
    "CREATE TABLE order_lines (order_id INTEGER, line_no INTEGER, note VARCHAR(40),"
    " PRIMARY KEY (order_id, line_no))",
]


def _database(url: str) -> None:
    """Three people; person 1 has 1,500 orders (more than a batch of rows), the others 2;
    every order has two lines (a composite key)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in SCHEMA:
            conn.execute(text(statement))
        conn.execute(
            text("INSERT INTO people VALUES (:id, :email, :amount)"),
            [{"id": i, "email": f"P{i}@x.example", "amount": i * 1.25} for i in (1, 2, 3)],
        )
        orders = [(n, 1) for n in range(1, 1501)] + [(2001, 2), (2002, 2), (3001, 3), (3002, 3)]
        conn.execute(
            text("INSERT INTO orders VALUES (:id, :person, :placed)"),
            [{"id": n, "person": p, "placed": date(2024, 1, 1 + n % 28)} for n, p in orders],
        )
        conn.execute(
            text("INSERT INTO order_lines VALUES (:o, :n, :note)"),
            [{"o": o, "n": n, "note": f"{o}-{n}"} for o, _ in orders for n in (1, 2)],
        )
    engine.dispose()


def _map(kind: str) -> DataMap:
    return DataMap.model_validate(
        {
            "systems": [
                {
                    "id": "s",
                    "kind": kind,
                    "url_env": "UNUSED_URL",
                    "collections": [
                        {"name": "people", "primary_key": "id", "identity": {"email": "email"}},
                        {"name": "orders", "primary_key": "id"},
                        {"name": "order_lines", "primary_key": ["order_id", "line_no"]},
                    ],
                }
            ]
        }
    )


def _lookups(dm: DataMap, person: int) -> list[Lookup]:
    """One person's lookups of one step: by e-mail (case folded), their orders, the lines
    of two orders by composite key, and a lookup whose value matches nothing."""
    coll = dm.system("s").collection
    first = {1: 1, 2: 2001, 3: 3001}[person]
    return [
        Lookup(coll("people"), ["email"], [(f"p{person}@x.example",)], None, True),
        Lookup(coll("orders"), ["person_id"], [(person,)], ["id", "person_id", "placed"]),
        Lookup(coll("order_lines"), ["order_id", "line_no"], [(first, 2), (first + 1, 1)]),
        Lookup(coll("orders"), ["person_id"], [("not a number",), (99,)]),
    ]


def _rows(results: Sequence[Iterator[Any]]) -> list[tuple[list[list[str]], list[tuple[Any, ...]]]]:
    out = []
    for batches in results:
        names, rows = [], []
        for batch_names, chunk in batches:
            names.append(batch_names)
            rows.extend(tuple(row) for row in chunk)
        out.append((names, rows))
    return out


def _sequential(url: str, dm: DataMap, person: int) -> list[Any]:
    """The same lookups one by one through SQLAlchemy (a listener on the engine keeps
    them there), as the reference."""
    connector = open_connector(dm.system("s"), url)
    for lookup in _lookups(dm, person):
        connector.columns(lookup.collection)  # the tables described before counting
    seen: list[str] = []
    event.listen(connector.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    with connector.reading():
        expected = _rows(
            [
                connector.find_batches(
                    lk.collection, lk.columns, lk.values, select=lk.select, casefold=lk.casefold
                )
                for lk in _lookups(dm, person)
            ]
        )
    connector.close()
    assert len(seen) == 4
    return expected


def _backend(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[str, str]:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'd.db'}", "sqlite"
    kind = {"pg_url": "postgresql", "mariadb_url": "mysql"}[backend]
    return str(request.getfixturevalue(backend)), kind


@pytest.mark.parametrize("backend", ["sqlite", "pg_url", "mariadb_url"])
def test_af_d1_lookups_sent_together_give_the_rows_of_lookups_sent_one_by_one(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, pipelines: list[int]
) -> None:
    """AF-D1: for each of three persons, ``find_many`` gives each lookup the same column
    names and the same rows, in the same order and batches, as ``find_batches`` one by one
    (case folding, a composite key, 1,500 rows in two batches, a value that matches
    nothing). On PostgreSQL the first run goes through SQLAlchemy and every later one is
    one pipeline of the four statements; elsewhere nothing is sent together."""
    url, kind = _backend(backend, tmp_path, request)
    _database(url)
    dm = _map(kind)
    connector = open_connector(dm.system("s"), url)
    for person in (1, 2, 3, 1):
        expected = _sequential(url, dm, person)
        with connector.reading():
            got = _rows(connector.find_many(_lookups(dm, person)))
        assert got == expected
        names, rows = got[1]
        assert len(names) == (2 if person == 1 else 1) and len(rows) == (1500 if person == 1 else 2)
        assert {r[1] for r in rows} == {person}
        assert got[0][1][0][:2] == (person, f"P{person}@x.example")
        assert got[3] == ([], [])
    assert pipelines == ([4, 4, 4] if kind == "postgresql" else [])
    connector.close()


def test_af_d1_a_lookup_past_a_statements_keys_is_pipelined_whole(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lookup with more keys than one statement takes is several statements of the same
    pipeline; its rows come back complete, each once, in the order of its statements."""
    _database(pg_url)
    dm = _map("postgresql")
    orders = dm.collection("s", "orders")
    keys = [(i,) for i in range(1, 1501)]
    connector = open_connector(dm.system("s"), pg_url)
    with connector.reading():
        reference = _rows([connector.find_batches(orders, ["id"], keys, select=["id"])])
    monkeypatch.setattr(sql, "ARRAY_KEYS_PER_QUERY", 600)
    with connector.reading():
        _rows(connector.find_many([Lookup(orders, ["id"], keys[:2], ["id"])]))  # learns
        got = _rows(connector.find_many([Lookup(orders, ["id"], keys, ["id"])]))
    assert sorted(got[0][1]) == sorted(reference[0][1]) == [(i,) for i in range(1, 1501)]
    assert len(got[0][0]) == 3  # 600 + 600 + 300 rows: three statements, a batch each
    connector.close()


def test_a_failing_statement_in_a_pipeline_is_a_clear_error_and_the_connection_stays_usable(
    pg_url: str,
) -> None:
    """A statement that fails inside a pipeline (here: a column renamed after the
    connector described the table) raises ConnectorError naming the system and the
    database's reason (no traceback of the driver, no half-read results), and the same
    held connection then answers the next lookups correctly."""
    _database(pg_url)
    dm = _map("postgresql")
    connector = open_connector(dm.system("s"), pg_url)
    for _ in range(2):  # the second run is the pipelined one
        with connector.reading():
            _rows(connector.find_many(_lookups(dm, 2)))
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text("ALTER TABLE order_lines RENAME COLUMN note TO remark"))
    admin.dispose()
    with connector.reading():
        held = connector._conn  # type: ignore[attr-defined]
        with pytest.raises(ConnectorError, match=r"^s: query failed: column .*note does not exist"):
            connector.find_many(_lookups(dm, 2))
        assert connector._conn is held  # type: ignore[attr-defined]
        again = _rows(connector.find_many(_lookups(dm, 3)[:2]))
    assert again[0][1][0][:2] == (3, "P3@x.example")
    assert [r[0] for r in again[1][1]] == [3001, 3002]
    with connector.reading():
        assert _rows(connector.find_many(_lookups(dm, 1)[:2]))[1][1][0][1] == 1
    connector.close()


@pytest.mark.parametrize("backend", ["sqlite", "pg_url", "mariadb_url"])
def test_work_meanwhile_runs_once_before_any_row_and_inside_the_pipeline_on_postgresql(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """``meanwhile`` (the sink formatting the rows of the step before) runs once per
    ``find_many``, before any row of it is read; on PostgreSQL while the pipeline is
    open, i.e. while the server works. If it fails, its error comes out as it is and the
    held connection still answers."""
    url, kind = _backend(backend, tmp_path, request)
    _database(url)
    dm = _map(kind)
    connector = open_connector(dm.system("s"), url)
    statuses: list[object] = []

    def meanwhile() -> None:
        held = connector._conn  # type: ignore[attr-defined]
        raw = getattr(held.connection, "driver_connection", None)
        statuses.append(getattr(getattr(raw, "pgconn", None), "pipeline_status", None))

    for _ in range(2):  # on PostgreSQL the first run learns the statements through SQLAlchemy
        with connector.reading():
            results = connector.find_many(_lookups(dm, 2), meanwhile=meanwhile)
            ran = len(statuses)
            assert _rows(results)[1][1][0][:2] == (2001, 2)
        assert ran == len(statuses)  # before any row was read, and only once
    pipeline = psycopg.pq.PipelineStatus
    assert statuses == ([pipeline.OFF, pipeline.ON] if kind == "postgresql" else [None, None])

    def fail() -> None:
        raise OSError("disk full")

    with connector.reading():
        with pytest.raises(OSError, match="disk full"):
            connector.find_many(_lookups(dm, 3), meanwhile=fail)
        assert _rows(connector.find_many(_lookups(dm, 3)[:2]))[1][1][0][:2] == (3001, 3)
    connector.close()
