"""``datamap infer`` on a shop database built here, on SQLite, PostgreSQL and MariaDB.

The shop has the traps of real databases: an address shared by customers and staff, a
second link between two tables the customer already owns (payment -> order), a
self-reference (a referral), a catalogue, an unrelated table, card numbers and IBANs,
and a free-text column holding health data. On PostgreSQL its events are partitioned,
with the foreign key declared on one partition only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    create_engine,
    insert,
    text,
)
from stdnum import luhn

from garant.connectors import open_connector
from garant.datamap.draft_writer import write_draft
from garant.datamap.infer import Draft, infer_system
from garant.datamap.models import DataMap
from garant.datamap.roles import RefDraft
from garant.sourcefile import parse_document, validate_document
from garant.subjects.find import walk_system
from garant.subjects.rules import Identity

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Shop:
    url: str
    kind: str
    customers: list[dict[str, Any]] = field(default_factory=list)
    orders: dict[int, set[int]] = field(default_factory=dict)
    lines: dict[int, set[int]] = field(default_factory=dict)
    payments: dict[int, set[int]] = field(default_factory=dict)
    events: dict[int, set[int]] = field(default_factory=dict)


def shop_metadata() -> MetaData:
    md = MetaData()
    Table(
        "addresses",
        md,
        Column("id", Integer, primary_key=True),
        Column("street", String(120), nullable=False),
        Column("postal_code", String(12)),
        Column("city", String(60)),
    )
    Table(
        "customers",
        md,
        Column("id", Integer, primary_key=True),
        Column("first_name", String(60), nullable=False),
        Column("last_name", String(60), nullable=False),
        Column("email", String(120), nullable=False),
        Column("phone", String(30)),
        Column("birth_date", Date),
        Column("address_id", Integer, ForeignKey("addresses.id")),
        Column("referred_by", Integer, ForeignKey("customers.id")),
        Column("health_notes", Text),
    )
    Table(
        "staff",
        md,
        Column("id", Integer, primary_key=True),
        Column("first_name", String(60), nullable=False),
        Column("last_name", String(60), nullable=False),
        Column("email", String(120)),
        Column("password", String(100)),
        Column("address_id", Integer, ForeignKey("addresses.id")),
    )
    Table("products", md, Column("id", Integer, primary_key=True), Column("title", String(80)))
    Table(
        "orders",
        md,
        Column("id", Integer, primary_key=True),
        Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
        Column("staff_id", Integer, ForeignKey("staff.id")),
        Column("order_date", DateTime),
        Column("total", Numeric(8, 2)),
    )
    Table(
        "order_lines",
        md,
        Column("id", Integer, primary_key=True),
        Column("order_id", Integer, ForeignKey("orders.id"), nullable=False),
        Column("product_id", Integer, ForeignKey("products.id")),
        Column("quantity", Integer),
    )
    Table(
        "payments",
        md,
        Column("id", Integer, primary_key=True),
        Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
        Column("order_id", Integer, ForeignKey("orders.id")),
        Column("amount", Numeric(8, 2)),
        Column("card_number", String(19)),
        Column("iban", String(34)),
    )
    Table("suppliers", md, Column("id", Integer, primary_key=True), Column("title", String(80)))
    return md


PG_EVENTS = [
    "CREATE TABLE events (id integer NOT NULL, customer_id integer NOT NULL, "
    "at timestamptz NOT NULL, ip_address text, PRIMARY KEY (at, id)) PARTITION BY RANGE (at)",
    "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
    "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
    # Declared on one partition only, as Pagila does for all but its last month.
    "ALTER TABLE events_2025 ADD CONSTRAINT events_2025_customer_fk "
    "FOREIGN KEY (customer_id) REFERENCES customers (id)",
]


def card(rng: random.Random) -> str:
    body = "4" + "".join(rng.choice("0123456789") for _ in range(14))
    return body + luhn.calc_check_digit(body)


def build_shop(url: str, *, customers: int = 40, seed: int = 7) -> Shop:
    """Create and fill the shop; return who owns which rows (the ground truth)."""
    engine = create_engine(url)
    md = shop_metadata()
    md.create_all(engine)
    fake, rng = Faker("fr_FR"), random.Random(seed)
    Faker.seed(seed)
    shop = Shop(url, engine.dialect.name)
    t = md.tables
    with engine.begin() as conn:
        addresses = [
            {
                "id": i,
                "street": fake.street_address(),
                "postal_code": fake.postcode(),
                "city": fake.city(),
            }
            for i in range(1, customers // 2 + 1)
        ]
        conn.execute(insert(t["addresses"]), addresses)
        staff = [
            {
                "id": i,
                "first_name": fake.first_name(),
                "last_name": fake.last_name(),
                "email": f"staff{i}@shop.example",
                "password": "$argon2id$v=19$m=65536,t=3,p=4$" + fake.sha1()[:22],
                "address_id": i,  # staff live where some customers live: shared rows
            }
            for i in range(1, 4)
        ]
        conn.execute(insert(t["staff"]), staff)
        conn.execute(
            insert(t["products"]), [{"id": i, "title": f"Product {i}"} for i in range(1, 9)]
        )
        conn.execute(insert(t["suppliers"]), [{"id": 1, "title": "Acme"}])
        rows = []
        for i in range(1, customers + 1):
            row = {
                "id": i,
                "first_name": fake.first_name(),
                "last_name": fake.last_name(),
                "email": f"client{i}.{fake.user_name()}@example.org",
                "phone": "+33 6 " + " ".join(str(rng.randint(10, 99)) for _ in range(4)),
                "birth_date": date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                "address_id": rng.randint(1, len(addresses)),
                "referred_by": rng.randint(1, i - 1) if i > 1 and rng.random() < 0.3 else None,
                "health_notes": (
                    "Asthma; allergy to penicillin noted at the last visit to the shop"
                    if i % 2
                    else "Prefers morning deliveries and paper invoices, please"
                ),
            }
            rows.append(row)
        conn.execute(insert(t["customers"]), rows)
        shop.customers = rows
        order_id = line_id = pay_id = 0
        orders, lines, payments = [], [], []
        for c in rows:
            for _ in range(rng.randint(0, 3)):
                order_id += 1
                orders.append(
                    {
                        "id": order_id,
                        "customer_id": c["id"],
                        "staff_id": rng.randint(1, 3),
                        "order_date": datetime(2025, rng.randint(1, 12), 3, 10, 0),
                        "total": 12.5,
                    }
                )
                shop.orders.setdefault(c["id"], set()).add(order_id)
                for _ in range(rng.randint(1, 2)):
                    line_id += 1
                    lines.append(
                        {
                            "id": line_id,
                            "order_id": order_id,
                            "product_id": rng.randint(1, 8),
                            "quantity": 1,
                        }
                    )
                    shop.lines.setdefault(c["id"], set()).add(line_id)
                pay_id += 1
                payments.append(
                    {
                        "id": pay_id,
                        "customer_id": c["id"],
                        "order_id": order_id,
                        "amount": 12.5,
                        "card_number": card(rng),
                        "iban": fake.iban(),
                    }
                )
                shop.payments.setdefault(c["id"], set()).add(pay_id)
        # A payment made by customer 2 for customer 1's first order: as owns, the link
        # payments.order_id would hand it to customer 1.
        if shop.orders.get(1):
            pay_id += 1
            payments.append(
                {
                    "id": pay_id,
                    "customer_id": 2,
                    "order_id": min(shop.orders[1]),
                    "amount": 1.0,
                    "card_number": card(rng),
                    "iban": fake.iban(),
                }
            )
            shop.payments.setdefault(2, set()).add(pay_id)
        conn.execute(insert(t["orders"]), orders)
        conn.execute(insert(t["order_lines"]), lines)
        conn.execute(insert(t["payments"]), payments)
        if shop.kind == "postgresql":
            for statement in PG_EVENTS:
                conn.execute(text(statement))
            events = []
            for n, c in enumerate(rows, start=1):
                year = 2025 if n % 2 else 2026
                events.append(
                    {
                        "id": n,
                        "c": c["id"],
                        "at": datetime(year, 5, 1, tzinfo=UTC),
                        "ip": f"10.0.{n % 250}.{n % 200 + 1}",
                    }
                )
                shop.events.setdefault(c["id"], set()).add(n)
            conn.execute(text("INSERT INTO events VALUES (:id, :c, :at, :ip)"), events)
    engine.dispose()
    return shop


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Shop:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shop.db'}"
    else:
        url = str(
            request.getfixturevalue("pg_url" if request.param == "postgres" else "mariadb_url")
        )
    return build_shop(url)


def draft_of(shop: Shop, **options: Any) -> tuple[Draft, DataMap, str]:
    engine = create_engine(shop.url)
    try:
        draft = infer_system(engine, system="shop", **options)
    finally:
        engine.dispose()
    text_ = write_draft(draft, url_env="GARANT_SHOP_URL", url=shop.url, when=NOW)
    datamap = validate_document(parse_document(text_, "datamap.yaml"), DataMap)
    return draft, datamap, text_


def meaning(draft: Draft, table: str, column: str) -> RefDraft:
    return next(r for r in draft.roles.refs if r.table == table and r.fk.columns == (column,))


def test_draft_is_a_valid_map_with_person_identities_and_evidence(shop: Shop) -> None:
    draft, datamap, text_ = draft_of(shop)
    assert draft.roles.primary == ["customers"]
    assert draft.roles.secondary == ["staff"]
    system = datamap.system("shop")
    customers = system.collection("customers")
    assert customers.identity == {"email": "email", "phone": "phone", "customer_number": "id"}
    assert customers.casefold == []  # emails stored lower-case: exact match, indexable
    assert "every sampled email is lower-case" in text_
    email = customers.field("email")
    assert email is not None and email.category == "contact"
    assert "40 of 40 sampled values are valid email addresses (email-validator)" in text_
    payments = system.collection("payments")
    assert payments.field("card_number").category == "payment_card"  # type: ignore[union-attr]
    assert payments.field("iban").category == "financial"  # type: ignore[union-attr]
    assert "passing the Luhn check" in text_ and "ISO 13616 checksum" in text_
    assert system.collection("staff").field("password").category == "credentials"  # type: ignore[union-attr]
    assert customers.field("birth_date").category == "identification"  # type: ignore[union-attr]
    assert {n for n, _ in draft.unmapped} >= {"suppliers"}


def test_reference_meanings_never_claim_another_persons_rows(shop: Shop) -> None:
    draft, datamap, _ = draft_of(shop)
    assert meaning(draft, "orders", "customer_id").meaning == "owns"
    assert meaning(draft, "payments", "customer_id").meaning == "owns"
    assert meaning(draft, "order_lines", "order_id").meaning == "owns"
    second = meaning(draft, "payments", "order_id")
    assert second.meaning == "context" and "already the person's" in second.evidence[0]
    assert meaning(draft, "customers", "referred_by").meaning == "context"
    assert meaning(draft, "customers", "address_id").meaning == "context"
    assert meaning(draft, "orders", "staff_id").meaning == "context"
    assert meaning(draft, "order_lines", "product_id").meaning == "context"
    addresses = datamap.system("shop").collection("addresses")
    assert addresses.shared and addresses.erasure == "delete_row" and not addresses.identity


def test_confirmed_draft_makes_find_reach_exactly_each_persons_rows(shop: Shop) -> None:
    """The draft, unedited, drives the traversal to each customer's own rows and no more."""
    _, datamap, _ = draft_of(shop)
    system = datamap.system("shop")
    connector = open_connector(system, shop.url)
    try:
        for person in shop.customers[:12]:
            found = {
                rs.collection.name: rs
                for rs in walk_system(system, connector, [Identity("email", person["email"])])
            }
            cid = person["id"]

            def owned(name: str, at: int = 0) -> set[Any]:
                rowset = found.get(name)  # noqa: B023 (used within this iteration)
                return {k[at] for k in rowset.owned} if rowset else set()

            assert owned("customers") == {cid}
            assert owned("orders") == shop.orders.get(cid, set())
            assert owned("order_lines") == shop.lines.get(cid, set())
            assert owned("payments") == shop.payments.get(cid, set())
            assert not owned("addresses") and not owned("staff")
            if shop.kind == "postgresql":
                assert owned("events", 1) == shop.events[cid]
    finally:
        connector.close()


def test_def_c4_health_notes_are_flagged_with_evidence(shop: Shop) -> None:
    """DEF-C4: the scan flags a free-text column whose values speak of health."""
    draft, _, text_ = draft_of(shop)
    flagged = {(s.table, s.column): s for s in draft.special}
    notes = flagged[("customers", "health_notes")]
    assert notes.categories == ("health",)
    assert "20 of 40 sampled values use words of health data" in notes.evidence
    assert "ART. 9/10 CHECK (DEF-C4): customers.health_notes may hold health" in text_


def test_sample_is_bounded(shop: Shop) -> None:
    draft, _, text_ = draft_of(shop, sample_size=5)
    assert "5 of 5 sampled values are valid email addresses" in text_
    assert draft.sample_size == 5


def test_person_table_can_be_named(shop: Shop) -> None:
    draft, datamap, _ = draft_of(shop, persons=["staff"])
    assert draft.roles.primary == ["staff"]
    assert meaning(draft, "orders", "staff_id").meaning == "owns"
    assert "staff_number" in datamap.system("shop").collection("staff").identity


@pytest.fixture
def pg_shop(pg_url: str) -> Shop:
    return build_shop(pg_url)


def test_partition_keys_are_lifted_and_a_partition_without_one_is_named(pg_shop: Shop) -> None:
    draft, datamap, text_ = draft_of(pg_shop)
    events = next(c for c in draft.collections if c.info.name == "events")
    assert events.info.partitions == ("events_2025", "events_2026")
    assert "events_2025" not in {c.info.name for c in draft.collections}
    ref = meaning(draft, "events", "customer_id")
    assert ref.meaning == "owns"
    assert (ref.fk.origin, ref.fk.declared_on, ref.fk.missing_on) == (
        "partitions",
        ("events_2025",),
        ("events_2026",),
    )
    assert "missing on events_2026, which the parent also reads" in text_
    coll = datamap.system("shop").collection("events")
    assert coll.key_columns == ("at", "id")
    assert coll.field("ip_address").category == "connection"  # type: ignore[union-attr]


def test_accounts_and_subscribers_own_their_rows_staff_do_not(tmp_path: Path) -> None:
    """A member account pointing at the person is the person's; a newsletter subscriber
    (found by their own email) owns their clicks; rows pointing at staff stay context."""
    url = f"sqlite:///{tmp_path / 'org.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in (
            "CREATE TABLE learners (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, "
            "email TEXT)",
            "CREATE TABLE staff (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, "
            "email TEXT)",
            "CREATE TABLE member_accounts (id INTEGER PRIMARY KEY, email TEXT, "
            "learner_id INTEGER REFERENCES learners (id))",
            "CREATE TABLE enrolments (id INTEGER PRIMARY KEY, learner_id INTEGER REFERENCES "
            "learners (id), staff_id INTEGER REFERENCES staff (id))",
            "CREATE TABLE subscribers (id INTEGER PRIMARY KEY, email TEXT)",
            "CREATE TABLE clicks (id INTEGER PRIMARY KEY, subscriber_id INTEGER REFERENCES "
            "subscribers (id), clicked_at TEXT)",
        ):
            conn.execute(text(statement))
        fake = Faker("fr_FR")
        Faker.seed(3)
        for i in range(1, 21):
            person = (i, fake.first_name(), fake.last_name(), f"p{i}@example.org")
            conn.execute(
                text("INSERT INTO learners VALUES (:a, :b, :c, :d)"),
                dict(zip("abcd", person, strict=True)),
            )
            conn.execute(
                text("INSERT INTO staff VALUES (:a, :b, :c, :d)"),
                dict(zip("abcd", person, strict=True)),
            )
            conn.execute(
                text("INSERT INTO member_accounts VALUES (:i, :e, :i)"),
                {"i": i, "e": f"m{i}@example.org"},
            )
            conn.execute(text("INSERT INTO enrolments VALUES (:i, :i, :i)"), {"i": i})
            conn.execute(
                text("INSERT INTO subscribers VALUES (:i, :e)"), {"i": i, "e": f"n{i}@example.org"}
            )
            conn.execute(text("INSERT INTO clicks VALUES (:i, :i, '2026-01-01')"), {"i": i})
    engine.dispose()
    draft, datamap, _ = draft_of(Shop(url, "sqlite"))
    assert draft.roles.primary == ["learners"]
    assert draft.roles.secondary == ["staff", "subscribers"]
    assert meaning(draft, "member_accounts", "learner_id").meaning == "owns"
    assert meaning(draft, "clicks", "subscriber_id").meaning == "owns"
    assert (
        "persons found by their own identity"
        in meaning(draft, "clicks", "subscriber_id").evidence[0]
    )
    assert meaning(draft, "enrolments", "staff_id").meaning == "context"
    system = datamap.system("shop")
    assert system.collection("member_accounts").identity == {"email": "email"}
    assert system.collection("subscribers").identity == {"email": "email"}


def test_a_named_postgresql_schema_is_read_and_written(pg_url: str) -> None:
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        for statement in (
            "CREATE SCHEMA crm",
            "CREATE TABLE crm.clients (id integer PRIMARY KEY, email text NOT NULL, "
            "first_name text, last_name text)",
            "CREATE TABLE crm.tickets (id integer PRIMARY KEY, client_id integer "
            "REFERENCES crm.clients (id), body text)",
            "INSERT INTO crm.clients VALUES (1, 'ana@example.org', 'Ana', 'Martin'), "
            "(2, 'bob@example.org', 'Bob', 'Durand')",
            "INSERT INTO crm.tickets VALUES (1, 1, 'x'), (2, 2, 'y'), (3, 1, 'z')",
        ):
            conn.execute(text(statement))
    engine.dispose()
    draft, datamap, text_ = draft_of(Shop(pg_url, "postgresql"), schema="crm")
    assert "schema: crm" in text_
    system = datamap.system("shop")
    assert system.collection("tickets").db_schema == "crm"
    assert meaning(draft, "tickets", "client_id").meaning == "owns"
    connector = open_connector(system, pg_url)
    try:
        found = {
            rs.collection.name: rs
            for rs in walk_system(system, connector, [Identity("email", "ana@example.org")])
        }
    finally:
        connector.close()
    assert {k[0] for k in found["tickets"].owned} == {1, 3}
    from garant.datamap.check import check_datamap

    assert [f for f in check_datamap(datamap) if f.level == "drift"] == []
