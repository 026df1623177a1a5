"""The connector against real servers: missing columns, partitions, set-based writes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text

from garant.connectors import Condition, open_connector
from garant.datamap.models import DataMap
from garant.errors import ConnectorError

MAP = {
    "systems": [
        {
            "id": "s",
            "kind": "sqlite",
            "url_env": "UNUSED_URL",
            "collections": [
                {
                    "name": "people",
                    "primary_key": "id",
                    "identity": {"email": "email"},
                    "fields": [
                        {
                            "name": "email",
                            "category": "contact",
                            "label": {"fr": "Courriel", "en": "Email"},
                        },
                    ],
                }
            ],
        }
    ]
}


def datamap(kind: str = "sqlite", **changes: object) -> DataMap:
    body = {**MAP["systems"][0], "kind": kind}  # type: ignore[dict-item]
    coll = {**body["collections"][0], **changes}  # type: ignore[index]
    return DataMap.model_validate({"systems": [{**body, "collections": [coll]}]})


def make_people(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE people (id INTEGER PRIMARY KEY, email VARCHAR(100))"))
        conn.execute(text("INSERT INTO people VALUES (1, 'a@x.example'), (2, 'b@x.example')"))
    engine.dispose()


def test_a_column_the_map_names_but_the_table_lacks_is_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    make_people(url)
    dm = datamap(identity={"email": "mail"})
    connector = open_connector(dm.system("s"), url)
    with pytest.raises(ConnectorError, match=r"s\.people: .*column\(s\) mail .*it has: id, email"):
        list(connector.find(dm.collection("s", "people"), ["mail"], [("a@x.example",)]))
    connector.close()


def test_kind_and_url_must_agree(tmp_path: Path) -> None:
    with pytest.raises(ConnectorError, match="declared postgresql but its URL is sqlite"):
        open_connector(datamap("postgresql").system("s"), f"sqlite:///{tmp_path / 'x.db'}")


def test_batched_find_update_delete_stream(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    make_people(url)
    dm = datamap()
    coll = dm.collection("s", "people")
    connector = open_connector(dm.system("s"), url)
    keys = [(i,) for i in range(3000)]  # three batches of bound parameters
    assert [r["id"] for r in connector.read(coll, keys)] == [1, 2]
    assert connector.update(coll, [((1,), {"email": None}), ((2,), {"email": None})]) == 2
    rows = list(connector.stream(coll, where=[Condition("email", "is_null")]))
    assert [r["id"] for r in rows] == [1, 2]
    assert connector.delete(coll, [(1,)]) == 1
    connector.close()


@pytest.mark.postgres
def test_postgresql_partitioned_table(pg_url: str) -> None:
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE people (id INTEGER, email VARCHAR(100), at DATE NOT NULL)"
                " PARTITION BY RANGE (at)"
            )
        )
        conn.execute(
            text(
                "CREATE TABLE people_2025 PARTITION OF people"
                " FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"
            )
        )
        conn.execute(
            text(
                "CREATE TABLE people_2026 PARTITION OF people"
                " FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO people VALUES (1, 'a@x.example', '2025-05-01'),"
                " (1, 'a@x.example', '2026-05-01'), (2, 'b@x.example', '2026-06-01')"
            )
        )
    engine.dispose()
    dm = datamap("postgresql", primary_key=["id", "at"])
    coll = dm.collection("s", "people")
    connector = open_connector(dm.system("s"), pg_url)
    rows = list(connector.find(coll, ["email"], [("A@X.example",)], casefold=True))
    assert sorted(str(r["at"]) for r in rows) == ["2025-05-01", "2026-05-01"]
    assert connector.delete(coll, [(1, r["at"]) for r in rows]) == 2
    connector.close()


def test_an_unreachable_system_is_a_connector_error() -> None:
    dm = datamap("postgresql")
    connector = open_connector(dm.system("s"), "postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(ConnectorError, match="s: cannot connect"):
        with connector.reading():
            pass
    with pytest.raises(ConnectorError, match="s\\.people: cannot read the table"):
        list(connector.read(dm.collection("s", "people"), [(1,)]))
    connector.close()


@pytest.mark.parametrize("backend", ["sqlite", "pg_url", "mariadb_url"])
def test_identifiers_are_quoted_reserved_words_and_mixed_case(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Chinook's ``InvoiceLine``, a table called ``Order`` with a column ``Group``."""
    from sqlalchemy import Column, Integer, MetaData, String, Table

    url = (
        f"sqlite:///{tmp_path / 'q.db'}"
        if backend == "sqlite"
        else str(request.getfixturevalue(backend))
    )
    meta = MetaData()
    Table("Order", meta, Column("Id", Integer, primary_key=True), Column("Group", String(50)))
    engine = create_engine(url)
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            meta.tables["Order"].insert(), [{"Id": 1, "Group": "a@x"}, {"Id": 2, "Group": "b@x"}]
        )
    engine.dispose()
    kind = {"sqlite": "sqlite", "pg_url": "postgresql", "mariadb_url": "mysql"}[backend]
    dm = DataMap.model_validate(
        {
            "systems": [
                {
                    "id": "q",
                    "kind": kind,
                    "url_env": "Q",
                    "collections": [
                        {
                            "name": "orders",
                            "table": "Order",
                            "primary_key": "Id",
                            "identity": {"email": "Group"},
                        }
                    ],
                }
            ]
        }  # fmt: skip
    )
    coll = dm.collection("q", "orders")
    connector = open_connector(dm.system("q"), url)
    with connector.reading():
        assert [r["Id"] for r in connector.find(coll, ["Group"], [("A@X",)], casefold=True)] == [1]
    assert connector.update(coll, [((1,), {"Group": None})]) == 1
    assert connector.delete(coll, [(1,), (2,)]) == 2
    connector.close()


@pytest.mark.postgres
def test_typed_identity_columns_take_text_safely(pg_url: str) -> None:
    """A uuid or date identity given as text: parsed when it is one, else matches nothing."""
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE m (id INTEGER PRIMARY KEY, ref UUID, born DATE)"))
        conn.execute(
            text("INSERT INTO m VALUES (1, '6f1c1d0e-8d0a-4c55-9e5c-7e2d2f0b6a11', '1990-05-04')")
        )
    engine.dispose()
    dm = datamap("postgresql", name="m", table="m", identity={"ref": "ref", "born": "born"},
                 fields=[])  # fmt: skip
    coll = dm.collection("s", "m")
    connector = open_connector(dm.system("s"), pg_url)
    good = [("6F1C1D0E-8D0A-4C55-9E5C-7E2D2F0B6A11",)]
    assert [r["id"] for r in connector.find(coll, ["ref"], good)] == [1]
    assert list(connector.find(coll, ["ref"], [("x' OR 1=1 --",)])) == []
    assert [r["id"] for r in connector.find(coll, ["born"], [("1990-05-04",)])] == [1]
    assert list(connector.find(coll, ["born"], [("05/04/1990",)])) == []
    connector.close()


def test_the_apps_connector_follows_a_reloaded_map(
    tmp_path: Path, make_garant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from garant.connectors import connector_for
    from tests.conftest import write_workspace

    for name in ("one", "two"):
        make_people(f"sqlite:///{tmp_path / (name + '.db')}")
    root = write_workspace(tmp_path / "ws")
    body = "systems:\n  - id: s\n    kind: sqlite\n    url_env: S_URL\n    url: sqlite:///{}\n"
    (root / "datamap.yaml").write_text(body.format(tmp_path / "one.db"))
    garant = make_garant(name="ws")
    first = connector_for(garant, "s")
    assert connector_for(garant, "s") is first
    (root / "datamap.yaml").write_text(body.format(tmp_path / "two.db"))
    garant.reload()
    second = connector_for(garant, "s")
    assert second is not first and str(second.system.url).endswith("two.db")


def _backend_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[str, str]:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'c.db'}", "sqlite"
    kind = {"pg_url": "postgresql", "mariadb_url": "mysql"}[backend]
    return str(request.getfixturevalue(backend)), kind


def _people(url: str, count: int) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE people (id INTEGER PRIMARY KEY, email VARCHAR(100))"))
        conn.execute(
            text("INSERT INTO people VALUES (:id, :email)"),
            [{"id": i, "email": f"p{i}@x.example"} for i in range(1, count + 1)],
        )
    engine.dispose()


def _sent(connector: Any) -> list[str]:
    sent: list[str] = []
    event.listen(connector.engine, "before_cursor_execute", lambda *a: sent.append(str(a[2])))
    return sent


@pytest.mark.parametrize("backend", ["sqlite", "pg_url", "mariadb_url"])
def test_af_d1_a_cached_lookup_gives_each_person_their_own_rows(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """AF-D1: the lookup statement is built once per shape and reused; the keys stay bound
    values, so each call returns the rows of its own person, an injection attempt matches
    nothing, and a different column selection is a different statement."""
    url, kind = _backend_url(backend, tmp_path, request)
    _people(url, 3)
    dm = datamap(kind)
    coll = dm.collection("s", "people")
    connector = open_connector(dm.system("s"), url)
    sent = _sent(connector)
    with connector.reading():
        first = list(connector.find(coll, ["email"], [("p1@x.example",)]))
        attack = list(connector.find(coll, ["email"], [("p1@x.example' OR '1'='1",)]))
        second = list(connector.find(coll, ["email"], [("p2@x.example",)]))
        both = list(connector.find(coll, ["email"], [("p3@x.example",), ("p1@x.example",)]))
        only_ids = list(connector.find(coll, ["email"], [("p2@x.example",)], select=["id"]))
        three = [("p3@x.example",), ("p2@x.example",), ("p1@x.example",)]  # padded to 4
        padded = list(connector.find(coll, ["email"], three))
    assert first == [{"id": 1, "email": "p1@x.example"}]
    assert attack == []
    assert second == [{"id": 2, "email": "p2@x.example"}]
    assert sorted(r["id"] for r in both) == [1, 3]
    assert only_ids == [{"id": 2}]
    assert sorted(r["id"] for r in padded) == [1, 2, 3]  # each row once
    # one statement per shape (and, for IN lists, per power-of-two list size): 1, 2 and 4
    # keys, 1 key selecting only the id; on PostgreSQL the keys are arrays: two shapes only
    built = len(connector._statements)  # type: ignore[attr-defined]
    assert built == (2 if kind == "postgresql" else 4)
    lookups = [s for s in sent if "FROM people" in s]
    assert len(lookups) == 6
    if kind == "postgresql":  # one statement text whatever the keys (arrays)
        assert len(set(lookups[:4])) == 1
    assert all("p1@x.example" not in s for s in sent)  # values are never in the SQL
    connector.close()


@pytest.mark.parametrize("backend", ["sqlite", "pg_url", "mariadb_url"])
def test_key_lists_larger_than_a_batch_are_split_and_complete(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More keys than one statement takes: several executions of the cached statement,
    every row found once; composite keys too."""
    from garant.connectors import sql

    monkeypatch.setattr(sql, "KEYS_PER_QUERY", 4)
    monkeypatch.setattr(sql, "ARRAY_KEYS_PER_QUERY", 4)
    url, kind = _backend_url(backend, tmp_path, request)
    _people(url, 12)
    dm = datamap(kind)
    coll = dm.collection("s", "people")
    connector = open_connector(dm.system("s"), url)
    sent = _sent(connector)
    emails = [(f"p{i}@x.example",) for i in range(1, 11)]
    with connector.reading():
        found = sorted(r["id"] for r in connector.find(coll, ["email"], emails))
        pairs = [(i, f"p{i}@x.example") for i in range(1, 12)] + [(12, "someone@else")]
        by_pair = sorted(r["id"] for r in connector.find(coll, ["id", "email"], pairs))
    assert found == list(range(1, 11))
    assert by_pair == list(range(1, 12))
    pairs_per_statement = 4 if kind == "postgresql" else 2  # IN lists: 4 values = 2 pairs
    lookups = [s for s in sent if "FROM people" in s]
    assert len(lookups) == -(-10 // 4) + -(-12 // pairs_per_statement)
    connector.close()


def _typed_people(url: str) -> None:
    engine = create_engine(url)
    kind = engine.dialect.name
    moment = "TIMESTAMP WITH TIME ZONE" if kind == "postgresql" else "DATETIME"
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE people (id INTEGER PRIMARY KEY, email VARCHAR(100), "
                f"amount NUMERIC(8, 2), born DATE, seen {moment})"
            )
        )
        zone = "+00" if kind == "postgresql" else ""  # a literal each backend reads
        conn.execute(
            text(
                "INSERT INTO people VALUES (1, 'p1@x.example', 1.99, '1990-05-17', "
                f"'2024-03-01 12:30:00{zone}'), (2, 'p2@x.example', NULL, NULL, NULL)"
            )
        )
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "pg_url", "mariadb_url"])
def test_af_d1_rows_read_from_the_driver_carry_the_same_typed_values(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """AF-D1: a held connection may take the driver's tuples as they come (PostgreSQL:
    nothing to convert); the values are those SQLAlchemy gives, typed (decimals, dates,
    times, NULLs), for each of two persons; where SQLAlchemy converts (SQLite's dates are
    text in the file) it still does."""
    url, kind = _backend_url(backend, tmp_path, request)
    _typed_people(url)
    dm = datamap(kind)
    coll = dm.collection("s", "people")
    connector = open_connector(dm.system("s"), url)
    select = ["id", "email", "amount", "born", "seen"]
    engine = create_engine(url)
    with engine.connect() as conn:
        expected = {
            row[0]: tuple(row)
            for row in conn.execute(text("SELECT id, email, amount, born, seen FROM people"))
        }
    engine.dispose()
    for person in (1, 2):
        with connector.reading():
            batches = list(
                connector.find_batches(coll, ["email"], [(f"p{person}@x.example",)], select=select)
            )
        assert [names for names, _ in batches] == [select]
        rows = [tuple(row) for _, chunk in batches for row in chunk]
        assert len(rows) == 1
        driver_tuple = type(batches[0][1][0]) is tuple
        if kind in ("postgresql", "sqlite"):  # read from the driver / converted by SQLAlchemy
            assert driver_tuple is (kind == "postgresql")
        got = rows[0]
        assert got[:2] == (person, f"p{person}@x.example")
        if person == 1:
            assert got[2] == Decimal("1.99") and isinstance(got[2], Decimal)
            assert got[3] == date(1990, 5, 17)
            assert isinstance(got[4], datetime)
            if kind == "postgresql":
                assert got == expected[1]  # the driver's own tuple, tz-aware time included
                assert got[4] == datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
            else:
                assert got[4].replace(tzinfo=None) == datetime(2024, 3, 1, 12, 30)
        else:
            assert got[2:] == (None, None, None)
    connector.close()
