"""Generate the subject-export benchmark database: N persons and 10 related rows each.

    python bench/generate.py --persons 1000000 --url sqlite:///bench/shop.db
    python bench/generate.py --persons 1000000 --url postgresql+psycopg://postgres@127.0.0.1/garant_bench

Tables: ``stores`` (1,000, shared context), ``persons`` (N, unique email),
``orders`` (3N, random person), ``order_lines`` (4N, random order: owned through the
order), ``payments`` (3N, one per order, with the order's person). Related rows: 10N.
Rows are made by the database itself (a recursive CTE on SQLite, ``generate_series`` on
PostgreSQL), in chunks, with the indexes any real schema has on its foreign keys created
after the load. ``datamap_yaml()`` is the map the benchmark uses for it.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from sqlalchemy import Engine, create_engine, text

STORES = 1000
CHUNK = 500_000

SCHEMA = [
    "CREATE TABLE stores (id INTEGER PRIMARY KEY, name VARCHAR(60) NOT NULL, "
    "city VARCHAR(60) NOT NULL)",
    "CREATE TABLE persons (id INTEGER PRIMARY KEY, email VARCHAR(120) NOT NULL, "
    "first_name VARCHAR(60) NOT NULL, last_name VARCHAR(60) NOT NULL, phone VARCHAR(30), "
    "store_id INTEGER NOT NULL REFERENCES stores (id), created_at DATE NOT NULL)",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES "
    "persons (id), store_id INTEGER NOT NULL REFERENCES stores (id), ordered_at DATE NOT NULL, "
    "total NUMERIC(10, 2) NOT NULL)",
    "CREATE TABLE order_lines (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES "
    "orders (id), product VARCHAR(60) NOT NULL, quantity INTEGER NOT NULL, "
    "price NUMERIC(10, 2) NOT NULL)",
    "CREATE TABLE payments (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES "
    "persons (id), order_id INTEGER NOT NULL REFERENCES orders (id), amount NUMERIC(10, 2) "
    "NOT NULL, paid_at DATE NOT NULL)",
]
INDEXES = [
    "CREATE UNIQUE INDEX persons_email ON persons (email)",
    "CREATE INDEX orders_person ON orders (person_id)",
    "CREATE INDEX order_lines_order ON order_lines (order_id)",
    "CREATE INDEX payments_person ON payments (person_id)",
    "CREATE INDEX payments_order ON payments (order_id)",
]
TABLES = ["payments", "order_lines", "orders", "persons", "stores"]


def _series(dialect: str) -> str:
    """``n`` from :lo to :hi, made by the database."""
    if dialect == "postgresql":
        return "SELECT generate_series(CAST(:lo AS integer), CAST(:hi AS integer)) AS n"
    return (
        "SELECT n FROM (WITH RECURSIVE s(n) AS (SELECT :lo UNION ALL SELECT n + 1 FROM s "
        "WHERE n < :hi) SELECT n FROM s)"
    )


def _rand(dialect: str, modulo: str) -> str:
    """A random integer in 1..modulo."""
    if dialect == "postgresql":
        return f"(1 + floor(random() * {modulo}))::integer"
    return f"(1 + abs(random()) % {modulo})"


def _statements(dialect: str, persons: int) -> list[tuple[str, int, str]]:
    """(table, row count, INSERT ... SELECT over :lo..:hi)."""
    s = _series(dialect)
    day = (
        "(DATE '2024-01-01' + (n % 700))"
        if dialect == "postgresql"
        else "date('2024-01-01', '+' || (n % 700) || ' days')"
    )
    cat = "||"
    return [
        (
            "stores",
            STORES,
            f"INSERT INTO stores SELECT n, 'Store ' {cat} n, 'City ' {cat} (n % 97) FROM ({s}) g",
        ),
        (
            "persons",
            persons,
            f"INSERT INTO persons SELECT n, 'person' {cat} n {cat} '@example.org', "
            f"'First' {cat} (n % 997), 'Last' {cat} (n % 1009), '+33 6 ' {cat} (10000000 + n), "
            f"1 + n % {STORES}, {day} FROM ({s}) g",
        ),
        (
            "orders",
            3 * persons,
            f"INSERT INTO orders SELECT n, {_rand(dialect, str(persons))}, 1 + n % {STORES}, "
            f"{day}, (n % 500) + 0.99 FROM ({s}) g",
        ),
        (
            "order_lines",
            4 * persons,
            f"INSERT INTO order_lines SELECT n, {_rand(dialect, str(3 * persons))}, "
            f"'Product ' {cat} (n % 5000), 1 + n % 3, (n % 90) + 0.5 FROM ({s}) g",
        ),
        (
            "payments",
            3 * persons,
            "INSERT INTO payments SELECT o.id, o.person_id, o.id, o.total, o.ordered_at "
            "FROM orders o WHERE o.id BETWEEN :lo AND :hi",
        ),
    ]


def generate(url: str, persons: int, *, say: Callable[[str], None] = print) -> Engine:
    engine = create_engine(url)
    dialect = engine.dialect.name
    with engine.begin() as conn:
        for table in TABLES:
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        for statement in SCHEMA:
            conn.execute(text(statement))
        if dialect == "postgresql":
            conn.execute(text("SELECT setseed(0.42)"))
    if dialect == "sqlite":
        with engine.begin() as conn:
            conn.execute(text("PRAGMA journal_mode = WAL"))
    started = time.perf_counter()
    for table, count, statement in _statements(dialect, persons):
        for lo in range(1, count + 1, CHUNK):
            hi = min(count, lo + CHUNK - 1)
            with engine.begin() as conn:
                conn.execute(text(statement), {"lo": lo, "hi": hi})
            say(f"{table}: {hi:,}/{count:,} rows ({time.perf_counter() - started:.0f} s)")
    for statement in INDEXES:
        with engine.begin() as conn:
            conn.execute(text(statement))
        index = statement.split(" ON ")[0].split()[-1]
        say(f"{index} built ({time.perf_counter() - started:.0f} s)")
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return engine


def datamap_yaml(url: str) -> str:
    """The benchmark's map: persons own orders and payments; lines through their order."""
    label = "label: {fr: X, en: X}"

    def fields(*names: str) -> str:
        return "\n".join(f"          - {{name: {n}, category: other, {label}}}" for n in names)

    return f"""version: 1
systems:
  - id: shop
    kind: {"postgresql" if url.startswith("postgresql") else "sqlite"}
    url_env: GARANT_BENCH_SHOP_URL
    url: "{url}"
    collections:
      - name: persons
        primary_key: id
        identity: {{email: email}}
        casefold: []  # as `datamap infer` proposes: every email is stored lower-case
        fields:
{fields("email", "first_name", "last_name", "phone", "created_at")}
        references:
          - {{column: store_id, to: stores, meaning: context}}
      - name: orders
        primary_key: id
        fields:
{fields("ordered_at", "total")}
        references:
          - {{column: person_id, to: persons, meaning: owns}}
          - {{column: store_id, to: stores, meaning: context}}
      - name: order_lines
        primary_key: id
        fields:
{fields("product", "quantity", "price")}
        references:
          - {{column: order_id, to: orders, meaning: owns}}
      - name: payments
        primary_key: id
        immutable: true
        fields:
{fields("amount", "paid_at")}
        references:
          - {{column: person_id, to: persons, meaning: owns}}
          - {{column: order_id, to: orders, meaning: context}}
      - name: stores
        primary_key: id
        shared: true
        fields:
{fields("name", "city")}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--url", required=True)
    args = parser.parse_args()
    generate(args.url, args.persons).dispose()


if __name__ == "__main__":
    main()
