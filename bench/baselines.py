"""Hand-written SQL fetching the rows the engine fetches, and the Pagila fixtures.

Each baseline returns the number of rows it fetched (every column), so that the
benchmark can check, person by person, that it fetched the same rows as the engine.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from garant.datamap.draft_writer import write_draft
from garant.datamap.infer import infer_system


def _count(conn: Connection, sql: str, **params: object) -> list[dict[str, object]]:
    return [dict(r) for r in conn.execute(text(sql), params).mappings()]


def SHOP_BASELINE(conn: Connection, email: str) -> int:
    persons = _count(conn, "SELECT * FROM persons WHERE email = :e", e=email)
    if not persons:
        return 0
    pid = persons[0]["id"]
    orders = _count(conn, "SELECT * FROM orders WHERE person_id = :p", p=pid)
    lines = _count(
        conn,
        "SELECT l.* FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.person_id = :p",
        p=pid,
    )
    payments = _count(conn, "SELECT * FROM payments WHERE person_id = :p", p=pid)
    # Context: the stores of the person and of their orders; orders that their payments
    # point at and that are someone else's (none here: one payment per order).
    stores = _count(
        conn,
        "SELECT * FROM stores WHERE id IN (SELECT store_id FROM persons WHERE id = :p "
        "UNION SELECT store_id FROM orders WHERE person_id = :p)",
        p=pid,
    )
    return len(persons) + len(orders) + len(lines) + len(payments) + len(stores)


def PAGILA_BASELINE(conn: Connection, email: str) -> int:
    customers = _count(conn, "SELECT * FROM customer WHERE email = :e", e=email)
    staff_seed = _count(conn, "SELECT * FROM staff WHERE email = :e", e=email)
    if not customers:
        return len(staff_seed)
    c = customers[0]
    cid = c["customer_id"]
    rentals = _count(conn, "SELECT * FROM rental WHERE customer_id = :c", c=cid)
    payments = _count(conn, "SELECT * FROM payment WHERE customer_id = :c", c=cid)
    address = _count(conn, "SELECT * FROM address WHERE address_id = :a", a=c["address_id"])
    store = _count(conn, "SELECT * FROM store WHERE store_id = :s", s=c["store_id"])
    inventory = _count(
        conn,
        "SELECT * FROM inventory WHERE inventory_id IN "
        "(SELECT inventory_id FROM rental WHERE customer_id = :c)",
        c=cid,
    )
    staff = _count(
        conn,
        "SELECT * FROM staff WHERE staff_id IN (SELECT staff_id FROM rental WHERE customer_id = :c "
        "UNION SELECT staff_id FROM payment WHERE customer_id = :c)",
        c=cid,
    )
    # Rentals their payments point at that are another customer's: context.
    other_rentals = _count(
        conn,
        "SELECT * FROM rental WHERE customer_id <> :c AND rental_id IN "
        "(SELECT rental_id FROM payment WHERE customer_id = :c)",
        c=cid,
    )
    return (
        len(customers)
        + len(staff_seed)
        + len(rentals)
        + len(payments)
        + len(address)
        + len(store)
        + len(inventory)
        + len(staff)
        + len(other_rentals)
    )


def pagila_datamap(url: str) -> str:
    """The unedited draft ``datamap infer`` writes for Pagila (its meanings are right)."""
    engine = create_engine(url)
    try:
        draft = infer_system(engine, system="pagila")
    finally:
        engine.dispose()
    return write_draft(draft, url_env="GARANT_BENCH_PAGILA_URL", url=url, when=datetime.now(UTC))


INDEXES_CHECK_ASKS_FOR = [
    "CREATE INDEX rental_customer ON rental (customer_id)",
    "CREATE INDEX payment_p2022_07_customer ON payment_p2022_07 (customer_id)",
    "CREATE INDEX customer_lower_email ON customer (lower(email))",
]


def copy_database(url: str, suffix: str) -> str:
    """A fresh copy of the database (``<db><suffix>``) made from it as a template."""
    source = make_url(url)
    copy = f"{source.database}{suffix}"
    admin = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{source.database}"'))
    admin.dispose()
    return source.set(database=copy).render_as_string(hide_password=False)


def indexed_pagila_copy(url: str) -> str:
    """Pagila with the three indexes ``garant datamap check`` notes as missing."""
    target = copy_database(url, "_bench_indexed")
    engine = create_engine(target)
    with engine.begin() as conn:
        for statement in INDEXES_CHECK_ASKS_FOR:
            conn.execute(text(statement))
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return target


def grow_pagila_copy(url: str, extra: int, *, customer: int = 1) -> tuple[str, str, int]:
    """A copy of Pagila (``<db>_bench_big``) where one customer has ``extra`` more rentals,
    each paid: returns its URL, the customer's email and the rows added."""
    target = copy_database(url, "_bench_big")
    engine = create_engine(target)
    with engine.begin() as conn:
        first = conn.execute(text("SELECT max(rental_id) FROM rental")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id, "
                "return_date) "
                "SELECT timestamptz '2022-01-01' + g * interval '1 minute', 1 + g % 4581, :c, "
                "g % 1500, timestamptz '2022-01-02' + g * interval '1 minute' "
                "FROM generate_series(1, :n) g"
            ),
            {"c": customer, "n": extra},
        )
        conn.execute(
            text(
                "INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date) "
                "SELECT customer_id, staff_id, rental_id, 1.99, rental_date FROM rental "
                "WHERE rental_id > :first"
            ),
            {"first": first},
        )
        email = conn.execute(
            text("SELECT email FROM customer WHERE customer_id = :c"), {"c": customer}
        ).scalar_one()
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return target, str(email), 2 * extra
