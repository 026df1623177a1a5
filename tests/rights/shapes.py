"""A small shop database of the shapes that broke erasure on Pagila and on a retailer.

- ``payment``: key ``[payment_date, payment_id]`` (a timestamp and an integer), as in
  Pagila's partitioned payments;
- ``points``: loyalty points keyed ``(customer_id, earned_at)``;
- ``household``: owned by its holder (``owner_id``), with the holder's phone and address,
  while every member points at it (``customer.household_id``): a cycle of references;
- ``customer``: NOT NULL personal columns of several types (``first_name``,
  ``birth_date`` DATE, ``is_minor`` BOOLEAN, ``created_at`` TIMESTAMP), a unique
  ``nickname``;
- ``rental`` between customer and payment.

Built with SQLAlchemy Core on SQLite, PostgreSQL or MariaDB, so the same test runs on each.
Ada (customer 1, holder of household 10) and Bob (customer 2, a member of it) share the
household; Carl (customer 3) is nobody's.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    create_engine,
    insert,
    text,
)

POLICY = """\
controller:
  name: Shop
timezone: Europe/Paris
country: FR
languages: [en, fr]
contacts:
  dpo: {name: DPO, email: dpo@shop.example}
activities:
  - id: sales
    name: {fr: Ventes, en: Sales}
    purposes: [{fr: Vendre, en: Sell}]
    legal_basis: contract
    data_subjects: [customers]
    data_categories: [identification, contact, purchases]
    retention: sales
retention_rules:
  - id: sales
    duration: 3 years
    start: {latest: [collected]}
rights:
  channels: [email, post]
  identity_proof: none
"""

ADA = "ada@example.org"
BOB_NICK = "Bobby"
ADA_PHONE = "+33 6 12 34 56 78"


def build(url: str) -> None:
    """Create the tables and their rows in the empty database at ``url``."""
    meta = MetaData()
    customer = Table(
        "customer",
        meta,
        Column("customer_id", Integer, primary_key=True, autoincrement=False),
        Column("email", String(120), nullable=True),
        Column("first_name", String(45), nullable=False),
        Column("last_name", String(45), nullable=False),
        Column("nickname", String(45), nullable=True, unique=True),
        Column("birth_date", Date, nullable=False),
        Column("is_minor", Boolean, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column(
            "household_id",
            Integer,
            ForeignKey("household.household_id", use_alter=True, name="fk_member_household"),
            nullable=True,
        ),
    )
    household = Table(
        "household",
        meta,
        Column("household_id", Integer, primary_key=True, autoincrement=False),
        Column("owner_id", Integer, ForeignKey("customer.customer_id"), nullable=False),
        Column("phone", String(30), nullable=True),
        Column("address", String(200), nullable=True),
    )
    rental = Table(
        "rental",
        meta,
        Column("rental_id", Integer, primary_key=True, autoincrement=False),
        Column("customer_id", Integer, ForeignKey("customer.customer_id"), nullable=False),
        Column("rental_date", DateTime, nullable=False),
        Column("return_date", DateTime, nullable=True),
    )
    payment = Table(
        "payment",
        meta,
        Column("payment_date", DateTime, primary_key=True),
        Column("payment_id", Integer, primary_key=True, autoincrement=False),
        Column("customer_id", Integer, ForeignKey("customer.customer_id"), nullable=False),
        Column("rental_id", Integer, ForeignKey("rental.rental_id"), nullable=False),
        Column("amount", Numeric(8, 2), nullable=False),
    )
    points = Table(
        "points",
        meta,
        Column("customer_id", Integer, ForeignKey("customer.customer_id"), primary_key=True),
        Column("earned_at", DateTime, primary_key=True),
        Column("points", Integer, nullable=False),
    )
    engine = create_engine(url)
    try:
        meta.create_all(engine)
        with engine.begin() as conn:
            conn.execute(insert(customer), _customers())
            conn.execute(
                insert(household),
                [{"household_id": 10, "owner_id": 1, "phone": ADA_PHONE, "address": "1 rue A"}],
            )
            conn.execute(
                customer.update().where(customer.c.customer_id.in_([1, 2])).values(household_id=10)
            )
            conn.execute(insert(rental), _rentals())
            conn.execute(insert(payment), _payments())
            conn.execute(insert(points), _points())
    finally:
        engine.dispose()


def _customers() -> list[dict[str, Any]]:
    people = [
        (1, ADA, "Ada", "Lovelace", "Countess", date(1990, 12, 10), False),
        (2, "bob@example.org", "Bob", "Martin", BOB_NICK, date(2012, 5, 1), True),
        (3, "carl@example.org", "Carl", "Petit", None, date(1980, 1, 2), False),
    ]
    return [
        {
            "customer_id": i,
            "email": e,
            "first_name": f,
            "last_name": last,
            "nickname": n,
            "birth_date": b,
            "is_minor": m,
            "created_at": datetime(2024, 1, i, 9, 30),
            "household_id": None,
        }
        for i, e, f, last, n, b, m in people
    ]


def _rentals() -> list[dict[str, Any]]:
    return [
        {"rental_id": 100 + i, "customer_id": c, "rental_date": datetime(2025, 3, i, 10)}
        for i, c in ((1, 1), (2, 1), (3, 2), (4, 3))
    ]


def _payments() -> list[dict[str, Any]]:
    return [
        {
            "payment_date": datetime(2025, 3, i, 10, 15, 30),
            "payment_id": 500 + i,
            "customer_id": c,
            "rental_id": 100 + i,
            "amount": Decimal("4.99"),
        }
        for i, c in ((1, 1), (2, 1), (3, 2), (4, 3))
    ]


def _points() -> list[dict[str, Any]]:
    return [
        {"customer_id": c, "earned_at": datetime(2025, 4, d, 8, 0, 0, 250000), "points": 10 * d}
        for c, d in ((1, 1), (1, 2), (2, 3), (3, 4))
    ]


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()
