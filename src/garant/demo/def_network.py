"""DEF Network demo database: a group of entities with customers, prospects, contracts,
orders, invoices, bank details, events and registrations, tender answers, internal notes
and connection logs. Every record names its entity (DEF-O1).

Shared rows on purpose: contacts of one client company share the company row and its
address; one account manager follows many customers; an event is shared by everyone
registered; a registration may name a guest (another person's data, redacted in exports).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text

from garant.demo.truth import Builder

ENTITIES = [("def-network", "DEF Network SAS"), ("def-training", "DEF Training"),
            ("def-events", "DEF Events")]  # fmt: skip
metadata = MetaData()
S = String(200)
E = String(40)

entities = Table(
    "entities", metadata, Column("code", E, primary_key=True), Column("name", S),
)  # fmt: skip
addresses = Table(
    "addresses", metadata,
    Column("id", Integer, primary_key=True), Column("street", S), Column("postcode", String(10)),
    Column("city", S),
)  # fmt: skip
companies = Table(
    "companies", metadata,
    Column("id", Integer, primary_key=True), Column("name", S), Column("siren", String(9)),
    Column("address_id", Integer, ForeignKey("addresses.id")),
)  # fmt: skip
staff = Table(
    "staff", metadata,
    Column("id", Integer, primary_key=True), Column("entity", E, ForeignKey("entities.code")),
    Column("full_name", S), Column("email", S),
)  # fmt: skip
customers = Table(
    "customers", metadata,
    Column("id", Integer, primary_key=True), Column("entity", E, ForeignKey("entities.code")),
    Column("customer_number", String(20), unique=True), Column("first_name", S),
    Column("last_name", S), Column("email", S, index=True), Column("phone", String(40)),
    Column("job_title", S), Column("company_id", Integer, ForeignKey("companies.id")),
    Column("address_id", Integer, ForeignKey("addresses.id")),
    Column("account_manager_id", Integer, ForeignKey("staff.id")),
    Column("created_at", DateTime),
)  # fmt: skip
prospects = Table(
    "prospects", metadata,
    Column("id", Integer, primary_key=True), Column("entity", E, ForeignKey("entities.code")),
    Column("email", S, index=True), Column("first_name", S), Column("last_name", S),
    Column("company_name", S), Column("source", String(40)), Column("created_at", DateTime),
    Column("last_contact_at", DateTime),
)  # fmt: skip
contracts = Table(
    "contracts", metadata,
    Column("id", Integer, primary_key=True), Column("entity", E, ForeignKey("entities.code")),
    Column("customer_id", Integer, ForeignKey("customers.id"), index=True),
    Column("reference", String(30)), Column("signed_at", DateTime), Column("ends_at", DateTime),
    Column("status", String(20)),
)  # fmt: skip
orders = Table(
    "orders", metadata,
    Column("id", Integer, primary_key=True), Column("entity", E, ForeignKey("entities.code")),
    Column("customer_id", Integer, ForeignKey("customers.id"), index=True),
    Column("contract_id", Integer, ForeignKey("contracts.id")),
    Column("ordered_at", DateTime), Column("amount_cents", Integer),
)  # fmt: skip
invoices = Table(
    "invoices", metadata,
    Column("id", Integer, primary_key=True), Column("entity", E, ForeignKey("entities.code")),
    Column("order_id", Integer, ForeignKey("orders.id"), index=True),
    Column("number", String(30)), Column("issued_at", DateTime), Column("amount_cents", Integer),
    Column("billing_name", S), Column("billing_address", S),
)  # fmt: skip
bank_details = Table(
    "bank_details", metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), index=True),
    Column("iban", String(34)), Column("bic", String(11)), Column("holder_name", S),
    Column("created_at", DateTime),
)  # fmt: skip
events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True), Column("entity", E, ForeignKey("entities.code")),
    Column("title", S), Column("starts_at", DateTime),
)  # fmt: skip
registrations = Table(
    "event_registrations", metadata,
    Column("id", Integer, primary_key=True), Column("entity", E, ForeignKey("entities.code")),
    Column("event_id", Integer, ForeignKey("events.id")),
    Column("customer_id", Integer, ForeignKey("customers.id"), index=True),
    Column("email", S, index=True), Column("full_name", S), Column("guest_name", S),
    Column("registered_at", DateTime),
)  # fmt: skip
tenders = Table(
    "tender_answers", metadata,
    Column("id", Integer, primary_key=True), Column("entity", E, ForeignKey("entities.code")),
    Column("customer_id", Integer, ForeignKey("customers.id"), index=True),
    Column("tender_ref", String(30)), Column("answer_summary", Text),
    Column("evaluation_notes", Text), Column("classified_annex", Text),
    Column("submitted_at", DateTime),
)  # fmt: skip
notes = Table(
    "customer_notes", metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), index=True),
    Column("author_id", Integer, ForeignKey("staff.id")), Column("note", Text),
    Column("created_at", DateTime),
)  # fmt: skip
logs = Table(
    "connection_logs", metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), index=True),
    Column("ip_address", String(45)), Column("user_agent", S), Column("at", DateTime),
)  # fmt: skip


def populate(b: Builder, persons: int) -> None:
    fake, rng = b.fake, b.rng
    for code, name in ENTITIES:
        b.add(entities, {"code": code, "name": name})
    for i in range(1, 7):
        b.add(staff, {"id": i, "entity": ENTITIES[i % 3][0], "full_name": fake.name(),
                      "email": f"staff{i}@def-network.example"})  # fmt: skip
    for i in range(1, 7):
        b.add(events, {"id": i, "entity": "def-events", "title": f"Forum {2024 + i % 3} #{i}",
                       "starts_at": b.moment(days_back=700)})  # fmt: skip
    company_ids = []
    for _ in range(max(1, persons // 4)):  # a client company: its contacts share it
        address_id = b.add(
            addresses,
            {"street": fake.street_address(), "postcode": fake.postcode(), "city": fake.city()},
        )
        company_ids.append(
            (
                address_id,
                b.add(
                    companies,
                    {
                        "name": fake.company(),
                        "siren": fake.siren().replace(" ", ""),
                        "address_id": address_id,
                    },
                ),
            )
        )
    for n in range(1, persons + 1):
        _customer(b, n, *rng.choice(company_ids))
    for _ in range(max(1, persons // 4)):
        _prospect(b)


def _customer(b: Builder, n: int, company_address: int, company_id: int) -> None:
    fake, rng = b.fake, b.rng
    entity = rng.choice(ENTITIES)[0]
    email, number = b.unique_email(), f"C{n:08d}"
    person = b.person({"email": email, "customer_number": number})
    manager = 1 + rng.randrange(6)
    cid = b.add(customers, {"entity": entity, "customer_number": number, "first_name":
                            fake.first_name(), "last_name": fake.last_name(), "email": email,
                            "phone": fake.phone_number(), "job_title": fake.job(),
                            "company_id": company_id, "address_id": company_address,
                            "account_manager_id": manager, "created_at": b.moment(
                                days_back=1500)}, owner=person)  # fmt: skip
    for table, row_id in ((companies, company_id), (addresses, company_address), (staff, manager)):
        b.context(person, table, row_id)
    b.context(person, entities, entity)
    for _ in range(rng.randrange(0, 3)):
        signed = b.moment(days_back=1000)
        kid = b.add(contracts, {"entity": entity, "customer_id": cid, "reference":
                                f"CT-{rng.randrange(10**6):06d}", "signed_at": signed,
                                "ends_at": signed + timedelta(days=730), "status": "active"},
                    owner=person)  # fmt: skip
        _orders(b, person, entity, cid, kid)
    if rng.random() < 0.6:
        b.add(bank_details, {"customer_id": cid, "iban": fake.iban(), "bic": fake.swift(),
                             "holder_name": fake.name(), "created_at": b.moment(days_back=900)},
              owner=person)  # fmt: skip
    _activity(b, person, entity, cid, email)


def _orders(b: Builder, person: int, entity: str, cid: int, kid: int) -> None:
    for _ in range(b.rng.randrange(1, 3)):
        at = b.moment(days_back=900)
        amount = b.rng.randrange(10_000, 500_000)
        oid = b.add(orders, {"entity": entity, "customer_id": cid, "contract_id": kid,
                             "ordered_at": at, "amount_cents": amount}, owner=person)  # fmt: skip
        b.add(invoices, {"entity": entity, "order_id": oid, "number": f"{entity[:3].upper()}-"
                         f"{oid:07d}", "issued_at": at + timedelta(days=1), "amount_cents": amount,
                         "billing_name": b.fake.company(), "billing_address": b.fake.address()
                         .replace("\n", ", ")}, owner=person)  # fmt: skip


def _activity(b: Builder, person: int, entity: str, cid: int, email: str) -> None:
    fake, rng = b.fake, b.rng
    if rng.random() < 0.5:
        event = 1 + rng.randrange(6)
        b.add(registrations, {"entity": "def-events", "event_id": event, "customer_id": cid,
                              "email": email, "full_name": fake.name(), "guest_name":
                              fake.name() if rng.random() < 0.5 else None, "registered_at":
                              b.moment(days_back=600)}, owner=person)  # fmt: skip
        b.context(person, events, event)
    if rng.random() < 0.3:
        b.add(tenders, {"entity": entity, "customer_id": cid, "tender_ref":
                        f"AO-{rng.randrange(10**5):05d}", "answer_summary": fake.sentence(),
                        "evaluation_notes": "internal scoring: " + fake.sentence(),
                        "classified_annex": "DR annex " + fake.sentence(), "submitted_at":
                        b.moment(days_back=800)}, owner=person)  # fmt: skip
    if rng.random() < 0.4:
        author = 1 + rng.randrange(6)
        b.context(person, staff, author)
        b.add(notes, {"customer_id": cid, "author_id": author, "note": fake.sentence(),
                      "created_at": b.moment(days_back=400)}, owner=person)  # fmt: skip
    for _ in range(rng.randrange(0, 5)):
        b.add(logs, {"customer_id": cid, "ip_address": fake.ipv4(), "user_agent":
                     fake.user_agent(), "at": b.moment(days_back=380)}, owner=person)  # fmt: skip


def _prospect(b: Builder) -> None:
    fake = b.fake
    email = b.unique_email()
    person = b.person({"email": email})
    created = b.moment(days_back=1000)
    b.add(prospects, {"entity": b.rng.choice(ENTITIES)[0], "email": email, "first_name":
                      fake.first_name(), "last_name": fake.last_name(), "company_name":
                      fake.company(), "source": b.rng.choice(["trade show", "website", "referral"]),
                      "created_at": created, "last_contact_at": created + timedelta(days=30)},
          owner=person)  # fmt: skip
    if b.rng.random() < 0.3:  # registered to an event as a prospect, by email only
        event = 1 + b.rng.randrange(6)
        b.add(registrations, {"entity": "def-events", "event_id": event, "customer_id": None,
                              "email": email, "full_name": fake.name(), "guest_name": None,
                              "registered_at": b.moment(days_back=300)}, owner=person)  # fmt: skip
        b.context(person, events, event)
