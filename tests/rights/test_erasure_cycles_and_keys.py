"""Erasure of records under a legal duty with composite keys, and of reference cycles (issue 15).

A shop on SQLite, PostgreSQL and MariaDB: payments keyed ``(paid_at, ref)`` (a timestamp
with microseconds and text) and statements keyed ``(day, seq)`` (a date and an integer),
both kept ten years in the archive under L123-22 (DEF-R3); households owned by their holder
(``owner_id`` NOT NULL) that members point at (``household_id``, nullable): a cycle.
Ada (customer 1) alone holds and lives in household 10; Bob (2) holds household 20,
where Carl (3) lives too.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
    text,
    update,
)
from typer.testing import CliRunner

from garant.app import Garant
from garant.cli.main import build_app
from garant.datamap.loader import load_datamap
from garant.retention import archive
from garant.rights import cycles, typed_json
from garant.rights.models import RequestStep
from tests.conftest import write_workspace

AS_OF = "2026-03-02"
POLICY = """\
controller:
  name: Shop
timezone: Europe/Paris
country: FR
retention_rules:
  - id: short
    duration: 1 year
    start: {latest: [created]}
    then: delete
  - id: pay
    duration: 1 year
    start: {latest: [issued]}
    archive:
      duration: 10 years
      statute: commercial_code_l123_22
      fields: [amount, issued]
    then: delete
"""
ADA_PAID = (datetime(2025, 3, 1, 10, 15, 30, 250000), "A-1")
ADA_PAID_2 = (datetime(2024, 2, 1, 9, 0, 0), "A-2")
"""Issued in 2025 and in 2024: two destruction dates, so two bundles."""


def build(url: str, *, member_nullable: bool = True) -> None:
    meta = MetaData()
    customer = Table(
        "customer",
        meta,
        Column("customer_id", Integer, primary_key=True, autoincrement=False),
        Column("email", String(80), nullable=True),
        Column("name", String(40), nullable=False),
        Column("created", Date, nullable=True),
        # NOT NULL without a foreign key in the database: the rows can be written at all
        Column("household_id", Integer, nullable=member_nullable)
        if not member_nullable
        else Column(
            "household_id",
            Integer,
            ForeignKey("household.household_id", use_alter=True, name="fk_member"),
            nullable=True,
        ),
    )
    household = Table(
        "household",
        meta,
        Column("household_id", Integer, primary_key=True, autoincrement=False),
        Column("owner_id", Integer, ForeignKey("customer.customer_id"), nullable=False),
        Column("phone", String(30), nullable=True),
    )
    payment = Table(
        "payment",
        meta,
        Column("paid_at", DateTime, primary_key=True),
        Column("ref", String(12), primary_key=True),
        Column("customer_id", Integer, ForeignKey("customer.customer_id"), nullable=False),
        Column("amount", Integer, nullable=False),
        Column("issued", Date, nullable=True),
    )
    statement = Table(
        "statement",
        meta,
        Column("day", Date, primary_key=True),
        Column("seq", Integer, primary_key=True, autoincrement=False),
        Column("customer_id", Integer, ForeignKey("customer.customer_id"), nullable=False),
        Column("amount", Integer, nullable=False),
        Column("issued", Date, nullable=True),
    )
    engine = create_engine(url)
    try:
        meta.create_all(engine)
        with engine.begin() as conn:
            people = [(1, "ada@example.org", "Ada"), (2, "bob@example.org", "Bob")]
            people.append((3, "carl@example.org", "Carl"))
            conn.execute(
                insert(customer),
                [
                    {"customer_id": i, "email": e, "name": n, "created": date(2024, 1, 1)}
                    | ({} if member_nullable else {"household_id": 10 if i == 1 else 20})
                    for i, e, n in people
                ],
            )
            conn.execute(
                insert(household),
                [
                    {"household_id": 10, "owner_id": 1, "phone": "+33 6 00 00 00 01"},
                    {"household_id": 20, "owner_id": 2, "phone": "+33 6 00 00 00 02"},
                ],
            )
            if member_nullable:
                for cid, hid in ((1, 10), (2, 20), (3, 20)):
                    conn.execute(
                        update(customer)
                        .where(customer.c.customer_id == cid)
                        .values(household_id=hid)
                    )
            conn.execute(
                insert(payment),
                [
                    _paid(ADA_PAID, 1, date(2025, 3, 1)),
                    _paid(ADA_PAID_2, 1, date(2024, 2, 1)),
                    _paid((datetime(2025, 3, 1, 10, 15, 30, 250000), "B-1"), 2, date(2025, 3, 1)),
                ],
            )
            conn.execute(
                insert(statement),
                [
                    {"day": date(2025, 1, 31), "seq": 1, "customer_id": 1, "amount": 7,
                     "issued": date(2025, 1, 31)},
                    {"day": date(2025, 1, 31), "seq": 2, "customer_id": 2, "amount": 8,
                     "issued": date(2025, 1, 31)},
                ],
            )  # fmt: skip
    finally:
        engine.dispose()


def _paid(key: tuple[datetime, str], customer: int, issued: date) -> dict[str, Any]:
    return {
        "paid_at": key[0],
        "ref": key[1],
        "customer_id": customer,
        "amount": 5,
        "issued": issued,
    }


def datamap(kind: str, *, household_erasure: str = "delete_row") -> dict[str, Any]:
    email = {"name": "email", "category": "contact", "label": {"fr": "Courriel", "en": "Email"}}
    name = {"name": "name", "category": "identification", "label": {"fr": "Nom", "en": "Name"}}
    phone = {"name": "phone", "category": "contact", "label": {"fr": "Tél.", "en": "Phone"}}
    amount = {"name": "amount", "category": "purchases", "label": {"fr": "Montant", "en": "Amount"}}
    duty = {"rule": "pay", "dates": {"issued": "issued"}}
    owner = {"column": "customer_id", "to": "customer", "meaning": "owns"}
    return {
        "version": 1,
        "systems": [
            {
                "id": "shop",
                "kind": kind,
                "url_env": "GARANT_SHOP_URL",
                "collections": [
                    {
                        "name": "customer",
                        "primary_key": "customer_id",
                        "identity": {"email": "email"},
                        "fields": [email, name],
                        "references": [
                            {"column": "household_id", "to": "household", "meaning": "context"}
                        ],
                        "retention": {"rule": "short", "dates": {"created": "created"}},
                    },
                    {
                        "name": "household",
                        "primary_key": "household_id",
                        "erasure": household_erasure,
                        "fields": [phone],
                        "references": [{"column": "owner_id", "to": "customer", "meaning": "owns"}],
                    },
                    {
                        "name": "payment",
                        "primary_key": ["paid_at", "ref"],
                        "fields": [amount],
                        "references": [owner],
                        "retention": duty,
                    },
                    {
                        "name": "statement",
                        "primary_key": ["day", "seq"],
                        "fields": [amount],
                        "references": [owner],
                        "retention": duty,
                    },
                ],
            }
        ],
    }


KINDS = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mysql"}


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def shop(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shop.db'}"
    elif request.param == "postgres":
        url = str(request.getfixturevalue("pg_url"))
    else:
        url = str(request.getfixturevalue("mariadb_url"))
    monkeypatch.setenv("GARANT_SHOP_URL", url)
    return url


def _workspace(tmp_path: Path, url: str, **options: Any) -> Path:
    root = write_workspace(tmp_path / "ws", policy=POLICY)
    kind = KINDS[create_engine(url).dialect.name]
    doc = datamap(kind, **options)
    (root / "datamap.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return root


def cli(workspace: Path, *args: str) -> Any:
    return CliRunner().invoke(build_app(), [*args, "--workspace", str(workspace), "--as-of", AS_OF])


def _erasure(workspace: Path, email: str) -> int:
    opened = cli(
        workspace,
        "request", "open", "--type", "erasure", "--identity", f"email={email}",
        "--channel", "email", "--reply-email", email, "--lang", "en", "--json",
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    request_id = int(json.loads(opened.output)["id"])
    verified = cli(workspace, "request", "verify", str(request_id), "--accept")
    assert verified.exit_code == 0, verified.output
    decided = cli(workspace, "request", "decide", str(request_id), "--accept")
    assert decided.exit_code == 0, decided.output
    return request_id


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _bundles(workspace: Path) -> dict[str, list[dict[str, Any]]]:
    garant = Garant.open(workspace)
    try:
        with garant.unit_of_work(read_only=True) as uow:
            found = archive.list_bundles(uow=uow)
        out: dict[str, list[dict[str, Any]]] = {}
        for bundle in found:
            stored = archive._decrypt(garant, bundle.id)
            day = bundle.expires_at.astimezone(ZoneInfo("Europe/Paris")).date().isoformat()
            out.setdefault(bundle.collection, []).append({"until": day, "rows": stored})
        return out
    finally:
        garant.close()


def test_composite_keys_under_a_legal_duty_are_archived_not_kept_live(
    tmp_path: Path, shop: str
) -> None:
    """DEF-R3 with keys ``(timestamp, text)`` and ``(date, integer)``: Ada's payments and
    statement leave the live database for bundles grouped by destruction date (each with
    its key and the column naming its customer); the reply says archived, never kept
    (art17_3_b); Bob's records are untouched."""
    build(shop)
    workspace = _workspace(tmp_path, shop, household_erasure="null")
    request_id = _erasure(workspace, "ada@example.org")
    planned = cli(workspace, "request", "plan", str(request_id))
    assert planned.exit_code == 0, planned.output
    ran = cli(workspace, "request", "run", str(request_id))
    assert ran.exit_code == 0 and f"request {request_id}: answered" in ran.output, ran.output
    assert rows(shop, "SELECT ref, customer_id FROM payment") == [("B-1", 2)]
    assert rows(shop, "SELECT seq, customer_id FROM statement") == [(2, 2)]
    shown = cli(workspace, "request", "show", str(request_id)).output
    assert "shop.payment: 0 erased; 2 moved to the archive" in shown, shown
    assert "shop.statement: 0 erased; 1 moved to the archive" in shown, shown
    assert "art17_3_b" not in shown and "legal obligation" not in shown
    bundles = _bundles(workspace)
    # L123-22: ten years from the close of the financial year of each record's own event
    assert sorted(b["until"] for b in bundles["payment"]) == ["2034-12-31", "2035-12-31"]
    paid = {r["ref"]: r for b in bundles["payment"] for r in b["rows"]}
    assert sorted(paid) == ["A-1", "A-2"] and {r["customer_id"] for r in paid.values()} == {1}
    assert paid["A-1"]["paid_at"].startswith("2025-03-01 10:15:30")
    [statement] = bundles["statement"]
    assert [(r["day"], r["seq"], r["customer_id"]) for r in statement["rows"]] == [
        ("2025-01-31", 1, 1)
    ]
    moved = _step(workspace, request_id, "archive:shop.payment")
    keys = sorted(tuple(k) for b in moved["bundles"] for k in b["keys"])
    assert [type(v) for v in keys[0]] == [datetime, str]  # typed JSON: the key's own types
    assert [k[1] for k in keys] == ["A-2", "A-1"] and keys[1][0].date() == date(2025, 3, 1)


def _step(workspace: Path, request_id: int, name: str) -> dict[str, Any]:
    garant = Garant.open(workspace)
    try:
        with garant.unit_of_work(read_only=True) as uow:
            step = uow.session.scalars(
                select(RequestStep).where(
                    RequestStep.request_id == request_id, RequestStep.step == name
                )
            ).one()
            return dict(typed_json.decode(step.result))
    finally:
        garant.close()


def test_a_delete_cycle_with_a_nullable_side_is_carried_out(tmp_path: Path, shop: str) -> None:
    """Household and customer both deleted, pointing at each other: Ada's ``household_id``
    is emptied, then her household and her row are deleted in one transaction (with her
    payments archived first); Bob's household, which Carl points at, is kept with why, and
    Bob and Carl are untouched."""
    build(shop)
    workspace = _workspace(tmp_path, shop)
    checked = cli(workspace, "request", "plan", str(_erasure(workspace, "ada@example.org")))
    assert checked.exit_code == 0, checked.output
    ran = cli(workspace, "request", "run", "1")
    assert ran.exit_code == 0 and "request 1: answered" in ran.output, ran.output
    assert rows(shop, "SELECT customer_id, household_id FROM customer ORDER BY 1") == [
        (2, 20),
        (3, 20),
    ]
    assert rows(shop, "SELECT household_id, owner_id FROM household") == [(20, 2)]
    shown = cli(workspace, "request", "show", "1").output
    assert "shop.customer: 1 erased" in shown and "shop.household: 1 erased" in shown, shown
    bob = _erasure(workspace, "bob@example.org")
    ran = cli(workspace, "request", "run", str(bob))
    assert ran.exit_code == 0, ran.output
    shown = cli(workspace, "request", "show", str(bob)).output
    assert "shop.household: 0 erased; 1 kept live (referenced_by_kept)" in shown, shown
    assert rows(shop, "SELECT household_id, owner_id, phone FROM household") == [
        (20, 2, "+33 6 00 00 00 02")
    ]
    assert rows(shop, "SELECT customer_id, household_id FROM customer ORDER BY 1") == [
        (2, 20),
        (3, 20),
    ]


def test_a_delete_cycle_with_no_nullable_reference_is_refused_before_the_run(
    tmp_path: Path, shop: str
) -> None:
    """``household_id`` NOT NULL and ``owner_id`` NOT NULL: no order deletes them; plan
    and run refuse with the map's file:line and the reason, and not one row changes."""
    build(shop, member_nullable=False)
    workspace = _workspace(tmp_path, shop)
    request_id = _erasure(workspace, "ada@example.org")
    before = rows(shop, "SELECT * FROM customer ORDER BY 1")
    for command in ("plan", "run"):
        refused = cli(workspace, "request", command, str(request_id))
        assert refused.exit_code == 2, refused.output
        said = " ".join(refused.output.split())
        assert "point at each other" in said and "NOT NULL" in said, said
        assert "datamap.yaml:" in said and "Traceback" not in said
    assert rows(shop, "SELECT * FROM customer ORDER BY 1") == before
    assert len(rows(shop, "SELECT * FROM payment")) == 3


RING = """\
version: 1
systems:
  - id: s
    kind: sqlite
    url_env: S_URL
    collections:
      - name: a
        primary_key: id
        references: [{column: b_id, to: b, meaning: context}]
      - name: b
        primary_key: id
        references: [{column: c_id, to: c, meaning: owns}]
      - name: c
        primary_key: id
        references: [{column: a_id, to: a, meaning: owns}]
      - name: d
        primary_key: id
        erasure: "null"
        fields: [{name: x, category: other, label: {fr: X, en: X}}]
        references: [{column: a_id, to: a, meaning: context}]
"""


def test_a_cycle_of_three_collections_is_ordered_or_refused(tmp_path: Path) -> None:
    """a -> b -> c -> a: with ``a.b_id`` nullable it is emptied and the rows deleted
    referencing first (b, c, then a); with every column NOT
    NULL no order exists and the check names the first reference of the ring."""
    path = tmp_path / "datamap.yaml"
    path.write_text(RING, encoding="utf-8")
    system = load_datamap(path).system("s")
    names = set(cycles.leaving(system, lambda c: False))
    assert cycles.groups(system, names) == [["a", "b", "c"]]
    loose = cycles.resolve(system, ["a", "b", "c"], lambda coll, col: col == "b_id")
    assert loose is not None
    assert loose.cleared == (("a", ("b_id",)),)
    assert loose.order == ("b", "c", "a")
    assert cycles.resolve(system, ["a", "b", "c"], lambda coll, col: False) is None
    found = list(cycles.problems(system, ("systems", 0), lambda c, col: False, lambda c: False))
    assert [p for p, _ in found] == [("systems", 0, "collections", 0, "references", 0)]
    assert "s.a, s.b, s.c point at each other" in found[0][1]
    duty = list(
        cycles.problems(system, ("systems", 0), lambda c, col: True, lambda c: c.name == "b")
    )
    assert "s.b goes to the archive under a legal duty" in duty[0][1]
