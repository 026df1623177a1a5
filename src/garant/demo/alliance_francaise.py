"""Alliance Française demo database: learners, enrolments, orders, invoices, newsletter
subscribers with clicks, contact requests, member-area accounts and audience records.

Shared rows on purpose: family members share one postal address, one staff member
handles many contact requests, courses are shared by every learner enrolled in them.
Some learners spell their email in capitals in the newsletter table.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from garant.demo.truth import Builder

metadata = MetaData()
S = String(200)

addresses = Table(
    "addresses", metadata,
    Column("id", Integer, primary_key=True),
    Column("street", S), Column("postcode", String(10)), Column("city", S),
    Column("country", String(2)),
)  # fmt: skip
staff = Table(
    "staff", metadata,
    Column("id", Integer, primary_key=True), Column("full_name", S), Column("email", S),
    Column("role", String(40)),
)  # fmt: skip
courses = Table(
    "courses", metadata,
    Column("id", Integer, primary_key=True), Column("code", String(20)), Column("title", S),
    Column("teacher_id", Integer, ForeignKey("staff.id")),
)  # fmt: skip
learners = Table(
    "learners", metadata,
    Column("id", Integer, primary_key=True), Column("learner_number", String(20), unique=True),
    Column("first_name", S), Column("last_name", S), Column("email", S, index=True),
    Column("phone", String(40)), Column("birth_date", Date), Column("level", String(4)),
    Column("address_id", Integer, ForeignKey("addresses.id")),
    Column("created_at", DateTime), Column("restricted", Boolean, default=False),
)  # fmt: skip
member_accounts = Table(
    "member_accounts", metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_id", Integer, ForeignKey("learners.id"), index=True),
    Column("login", S), Column("password_hash", S), Column("created_at", DateTime),
    Column("last_login_at", DateTime),
)  # fmt: skip
enrolments = Table(
    "enrolments", metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_id", Integer, ForeignKey("learners.id"), index=True),
    Column("course_id", Integer, ForeignKey("courses.id")),
    Column("enrolled_at", DateTime), Column("status", String(20)), Column("result", String(10)),
)  # fmt: skip
orders = Table(
    "orders", metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_id", Integer, ForeignKey("learners.id"), index=True),
    Column("delivery_address_id", Integer, ForeignKey("addresses.id")),
    Column("ordered_at", DateTime), Column("total_cents", Integer), Column("status", String(20)),
)  # fmt: skip
order_items = Table(
    "order_items", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("orders.id"), index=True),
    Column("product", S), Column("quantity", Integer), Column("unit_price_cents", Integer),
)  # fmt: skip
invoices = Table(
    "invoices", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("orders.id"), index=True),
    Column("number", String(30)), Column("issued_at", DateTime), Column("amount_cents", Integer),
    Column("billing_name", S), Column("billing_address", S),
)  # fmt: skip
subscribers = Table(
    "newsletter_subscribers", metadata,
    Column("id", Integer, primary_key=True), Column("email", S, index=True),
    Column("first_name", S), Column("subscribed_at", DateTime), Column("source", String(40)),
    Column("last_click_at", DateTime),
)  # fmt: skip
clicks = Table(
    "newsletter_clicks", metadata,
    Column("id", Integer, primary_key=True),
    Column("subscriber_id", Integer, ForeignKey("newsletter_subscribers.id"), index=True),
    Column("clicked_at", DateTime), Column("link", S),
)  # fmt: skip
contact_requests = Table(
    "contact_requests", metadata,
    Column("id", Integer, primary_key=True), Column("email", S, index=True),
    Column("full_name", S), Column("message", Text), Column("received_at", DateTime),
    Column("handled_at", DateTime), Column("handled_by", Integer, ForeignKey("staff.id")),
)  # fmt: skip
audience = Table(
    "audience_records", metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("member_accounts.id"), index=True),
    Column("cookie_id", String(40)), Column("ip_address", String(45)), Column("page", S),
    Column("seen_at", DateTime),
)  # fmt: skip

COURSES = ["A1 intensive", "A2 evening", "B1 conversation", "B2 DELF prep", "C1 literature"]
PRODUCTS = [("Textbook Édito B1", 3200), ("Workbook", 1500), ("Tote bag", 900)]


def populate(b: Builder, persons: int) -> None:
    """Fill every table; every person's rows are recorded in ``b.truth`` as they are made."""
    fake, rng = b.fake, b.rng
    for i in range(1, 6):
        b.add(staff, {"id": i, "full_name": fake.name(), "email": f"staff{i}@alliancefr.example",
                      "role": "teacher" if i < 4 else "reception"})  # fmt: skip
    for i, title in enumerate(COURSES, start=1):
        b.add(courses, {"id": i, "code": f"C{i:03d}", "title": title, "teacher_id": 1 + i % 3})
    shared_address: int | None = None
    for n in range(1, persons + 1):
        if shared_address is not None and rng.random() < 0.3:
            address_id = shared_address  # a family member: same home, one address row
            shared_address = None
        else:
            address_id = b.add(addresses, _address(fake))
            shared_address = address_id
        _learner(b, n, address_id)
    for _ in range(max(1, persons // 5)):  # people known only from the newsletter or a form
        email = b.unique_email()
        person = b.person({"email": email})
        if rng.random() < 0.7:
            _subscriber(b, person, email, fake.first_name())
        else:
            _contact_request(b, person, email, fake.name())


def _address(fake: Any) -> dict[str, Any]:
    return {"street": fake.street_address(), "postcode": fake.postcode(), "city": fake.city(),
            "country": "FR"}  # fmt: skip


def _learner(b: Builder, n: int, address_id: int) -> None:
    fake, rng = b.fake, b.rng
    first, last = fake.first_name(), fake.last_name()
    email = b.unique_email()
    number = f"AF{n:07d}"
    phone = f"+336{rng.randrange(10**7, 10**8)}"
    person = b.person({"email": email, "member_number": number, "phone": phone})
    created = b.moment(days_back=900)
    lid = b.add(learners, {"learner_number": number, "first_name": first, "last_name": last,
                           "email": email, "phone": phone, "birth_date": fake.date_of_birth(
                               minimum_age=16, maximum_age=80), "level": rng.choice(
                               ["A1", "A2", "B1", "B2", "C1"]), "address_id": address_id,
                           "created_at": created, "restricted": False}, owner=person)  # fmt: skip
    b.context(person, addresses, address_id)
    if rng.random() < 0.8:
        aid = b.add(member_accounts, {"learner_id": lid, "login": email, "password_hash":
                                      "$argon2id$v=19$m=65536,t=3,p=4$" + fake.sha256()[:40],
                                      "created_at": created, "last_login_at": b.moment(
                                          days_back=60)}, owner=person)  # fmt: skip
        for _ in range(rng.randrange(0, 4)):
            b.add(audience, {"account_id": aid, "cookie_id": fake.uuid4(), "ip_address":
                             fake.ipv4(), "page": "/courses", "seen_at": b.moment(days_back=390)},
                  owner=person)  # fmt: skip
    for _ in range(rng.randrange(1, 4)):
        course = rng.randrange(1, len(COURSES) + 1)
        b.add(enrolments, {"learner_id": lid, "course_id": course, "enrolled_at": b.moment(
            days_back=700), "status": "active", "result": None}, owner=person)  # fmt: skip
        b.context(person, courses, course)
    for _ in range(rng.randrange(0, 3)):
        _order(b, person, lid, address_id, first, last)
    if rng.random() < 0.5:  # also a newsletter subscriber, often typed in capitals
        _subscriber(b, person, email.upper() if rng.random() < 0.5 else email, first)
    if rng.random() < 0.3:
        _contact_request(b, person, email, f"{first} {last}")


def _order(b: Builder, person: int, lid: int, address_id: int, first: str, last: str) -> None:
    rng = b.rng
    at = b.moment(days_back=600)
    product, price = rng.choice(PRODUCTS)
    qty = rng.randrange(1, 3)
    oid = b.add(orders, {"learner_id": lid, "delivery_address_id": address_id, "ordered_at": at,
                         "total_cents": price * qty, "status": "paid"}, owner=person)  # fmt: skip
    b.add(order_items, {"order_id": oid, "product": product, "quantity": qty,
                        "unit_price_cents": price}, owner=person)  # fmt: skip
    b.add(invoices, {"order_id": oid, "number": f"F-{oid:08d}", "issued_at": at + timedelta(
        hours=1), "amount_cents": price * qty, "billing_name": f"{first} {last}",
        "billing_address": "see order"}, owner=person)  # fmt: skip


def _subscriber(b: Builder, person: int, email: str, first: str) -> None:
    rng = b.rng
    clicked = sorted(b.moment(days_back=800) for _ in range(rng.randrange(0, 4)))
    row = {
        "email": email,
        "first_name": first,
        "subscribed_at": b.moment(days_back=1200),
        "source": rng.choice(["website", "event", "course"]),
        "last_click_at": clicked[-1] if clicked else None,
    }
    sid = b.add(subscribers, row, owner=person)
    for at in clicked:
        row = {"subscriber_id": sid, "clicked_at": at, "link": "https://www.alliancefr.org/agenda"}
        b.add(clicks, row, owner=person)


def _contact_request(b: Builder, person: int, email: str, name: str) -> None:
    handler = 4 + b.rng.randrange(0, 2)  # the two reception staff answer everyone
    received = b.moment(days_back=500)
    row = {
        "email": email,
        "full_name": name,
        "message": b.fake.sentence(),
        "received_at": received,
        "handled_at": received + timedelta(days=b.rng.randrange(1, 6)),
        "handled_by": handler,
    }
    b.add(contact_requests, row, owner=person)
    b.context(person, staff, handler)
