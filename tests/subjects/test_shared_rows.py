"""People who share a store, an address and a staff member (the Pagila trap).

No other person's row may ever appear as someone's own: not in a find, not in an export,
not in an erasure plan.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text

from garant.app import Garant
from garant.connectors import connector_for
from garant.store.uow import SYSTEM
from garant.subjects.export import REDACTED, export_subject
from garant.subjects.find import traverse
from garant.subjects.rules import Identity
from garant.subjects.service import erasure_plan
from tests.conftest import write_workspace

SCHEMA = [
    "CREATE TABLE address (address_id INTEGER PRIMARY KEY, street VARCHAR(100))",
    "CREATE TABLE store (store_id INTEGER PRIMARY KEY, address_id INTEGER REFERENCES address)",
    "CREATE TABLE staff (staff_id INTEGER PRIMARY KEY, name VARCHAR(100), email VARCHAR(100),"
    " address_id INTEGER REFERENCES address, store_id INTEGER REFERENCES store)",
    "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, email VARCHAR(100),"
    " name VARCHAR(100), address_id INTEGER REFERENCES address,"
    " store_id INTEGER REFERENCES store)",
    "CREATE TABLE rental (rental_id INTEGER PRIMARY KEY,"
    " customer_id INTEGER REFERENCES customer, staff_id INTEGER REFERENCES staff)",
    "CREATE TABLE payment (payment_id INTEGER PRIMARY KEY,"
    " customer_id INTEGER REFERENCES customer, rental_id INTEGER REFERENCES rental,"
    " amount INTEGER)",
]
DATA = [
    "INSERT INTO address VALUES (1, '1 rue commune'), (2, '2 rue du magasin')",
    "INSERT INTO store VALUES (1, 2)",
    "INSERT INTO staff VALUES (1, 'Sam Staff', 'sam@shop.example', 1, 1)",
    "INSERT INTO customer VALUES (1, 'ann@x.example', 'Ann', 1, 1),"
    " (2, 'bob@x.example', 'Bob', 1, 1)",
    "INSERT INTO rental VALUES (10, 1, 1), (11, 1, 1), (20, 2, 1)",
    # Bob paid for one of Ann's rentals (Pagila holds such payments)
    "INSERT INTO payment VALUES (100, 1, 10, 5), (101, 1, 11, 7), (200, 2, 20, 9), (300, 2, 10, 4)",
]
MAP = """\
systems:
  - id: shop
    kind: {kind}
    url_env: SHOP_URL
    collections:
      - name: customer
        primary_key: customer_id
        activity: rental
        identity: {{email: email, customer_number: customer_id}}
        fields:
          - {{name: email, category: contact, label: {{fr: E-mail, en: Email}}, portable: true}}
          - {{name: name, category: identification, label: {{fr: Nom, en: Name}}}}
        references:
          - {{column: address_id, to: address, meaning: context}}
          - {{column: store_id, to: store, meaning: context}}
      - name: address
        primary_key: address_id
        shared: true
        fields:
          - {{name: street, category: contact, label: {{fr: Rue, en: Street}}}}
      - name: store
        primary_key: store_id
        shared: true
        references:
          - {{column: address_id, to: address, meaning: context}}
      - name: staff
        primary_key: staff_id
        shared: true
        identity: {{staff_email: email}}
        fields:
          - {{name: name, category: identification, label: {{fr: Employé, en: Staff}},
             third_party: true}}
          - {{name: email, category: contact, label: {{fr: E-mail, en: Email}}, third_party: true}}
        references:
          - {{column: address_id, to: address, meaning: context}}
      - name: rental
        primary_key: rental_id
        activity: rental
        references:
          - {{column: customer_id, to: customer, meaning: owns}}
          - {{column: staff_id, to: staff, meaning: context}}
      - name: payment
        primary_key: payment_id
        activity: rental
        immutable: true
        fields:
          - {{name: amount, category: purchases, label: {{fr: Montant, en: Amount}}}}
        references:
          - {{column: customer_id, to: customer, meaning: owns}}
          - {{column: rental_id, to: rental, meaning: context}}
"""


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def shop(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    make_garant: Callable[..., Garant],
    monkeypatch: pytest.MonkeyPatch,
) -> Garant:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shop.db'}"
    else:
        url = str(
            request.getfixturevalue("pg_url" if request.param == "postgres" else "mariadb_url")
        )
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in SCHEMA + DATA:
            conn.execute(text(statement))
    engine.dispose()
    root = write_workspace(tmp_path / "ws")
    kind = {"sqlite": "sqlite", "postgres": "postgresql", "mariadb": "mysql"}[request.param]
    (root / "datamap.yaml").write_text(MAP.format(kind=kind), encoding="utf-8")
    monkeypatch.setenv("SHOP_URL", url)
    return make_garant(name="ws")


def owned(garant: Garant, email: str) -> dict[str, set[int]]:
    found = traverse(garant, [Identity("email", email)])
    return {r.collection.name: {k[0] for k in r.owned} for r in found.rowsets if r.owned}


def test_af_d1_shared_address_store_and_staff_are_context_never_owned(shop: Garant) -> None:
    found = traverse(shop, [Identity("email", "ann@x.example")])
    assert owned(shop, "ann@x.example") == {
        "customer": {1}, "rental": {10, 11}, "payment": {100, 101}
    }  # fmt: skip
    context = {r.collection.name: {k[0] for k in r.context} for r in found.rowsets if r.context}
    assert context == {"address": {1}, "store": {1}, "staff": {1}}
    assert owned(shop, "bob@x.example") == {
        "customer": {2}, "rental": {20}, "payment": {200, 300}
    }  # fmt: skip
    bob = traverse(shop, [Identity("email", "bob@x.example")]).get("shop", "rental")
    assert bob is not None and set(bob.context) == {(10,)}  # Ann's rental: shown, not his


def test_af_d1_export_never_shows_another_persons_rows_and_redacts_staff(
    shop: Garant, tmp_path: Path
) -> None:
    out = tmp_path / "ann.zip"
    with shop.unit_of_work(SYSTEM) as uow:
        export_subject(uow=uow, identities=[Identity("email", "ann@x.example")], out=out,
                       purpose="access request", lang="en")  # fmt: skip
    with zipfile.ZipFile(out) as archive:
        everything = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8-sig")
        staff = json.loads(archive.read("shop/staff.json"))
        payments = json.loads(archive.read("shop/payment.json"))
    assert "bob@x.example" not in everything and "Bob" not in everything
    assert "sam@shop.example" not in everything and "Sam Staff" not in everything
    assert staff["records"][0]["name"] == REDACTED
    assert sorted(r["amount"] for r in payments["records"]) == [5, 7]


def test_af_d3_erasure_plan_touches_only_the_persons_own_rows(shop: Garant) -> None:
    with shop.unit_of_work(SYSTEM) as uow:
        plan = erasure_plan(uow=uow, identities=[Identity("email", "ann@x.example")],
                            purpose="erasure request")  # fmt: skip
    touched = {p.collection for p in plan.collections}
    assert touched <= {"customer", "rental", "payment"}
    payment = plan.get("shop", "payment")
    assert payment is not None and payment.kept == 2 and not payment.delete and not payment.update
    rental = plan.get("shop", "rental")
    customer = plan.get("shop", "customer")
    assert rental is not None and customer is not None
    # payments stay and point at the rentals and the customer: those are rewritten, not deleted
    assert not rental.delete and not customer.delete
    assert {k[0] for k, _ in customer.update} == {1}
    assert rental.kept == 2 and not rental.update


def test_sql_injection_in_identity_values_matches_nothing(shop: Garant) -> None:
    for value in ["x' OR '1'='1", "ann@x.example' --", "'; DROP TABLE customer; --", "1 OR 1=1"]:
        assert owned(shop, value) == {}
    for value in [
        "1 OR 1=1",
        "1; DELETE FROM customer",
        "-1 UNION SELECT 2",
        "99999999999999999999",
    ]:
        assert not traverse(shop, [Identity("customer_number", value)]).found
    numbered = traverse(shop, [Identity("customer_number", " 2 ")])
    assert {r.collection.name: {k[0] for k in r.owned} for r in numbered.rowsets if r.owned} == {
        "customer": {2}, "rental": {20}, "payment": {200, 300}
    }  # fmt: skip
    assert owned(shop, "ann@x.example")["customer"] == {1}  # the table is still there


def _statements(garant: Garant, run: Callable[[], object]) -> list[str]:
    """The SQL statements the engine sends to the shop database while ``run`` runs."""
    engine = connector_for(garant, "shop").engine  # type: ignore[attr-defined]
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return sent


def test_af_d1_context_rows_already_owned_are_not_fetched_again(shop: Garant) -> None:
    """Ann's payments point at her own rentals: no second lookup of those rentals as
    context. Bob's payment 300 points at Ann's rental 10: that one is still fetched."""
    ann = _statements(shop, lambda: traverse(shop, [Identity("email", "ann@x.example")]))
    assert sum(1 for s in ann if "FROM rental" in s) == 1  # only the owns hop
    found: list[object] = []
    bob = _statements(
        shop, lambda: found.append(traverse(shop, [Identity("email", "bob@x.example")]))
    )
    assert sum(1 for s in bob if "FROM rental" in s) == 2  # owns hop, then Ann's rental as context
    rental = traverse(shop, [Identity("email", "bob@x.example")]).get("shop", "rental")
    assert rental is not None and set(rental.context) == {(10,)} and set(rental.owned) == {(20,)}


def test_af_d1_export_reads_each_row_once_on_one_connection(shop: Garant, tmp_path: Path) -> None:
    """The export is one pass: the discovery reads every row it reaches with the columns
    the package shows and hands it to the package, so an export sends exactly the
    discovery's statements (not one more read per exported collection and relation, as
    before the one-pass export) on one connection checked out once."""
    engine = connector_for(shop, "shop").engine  # type: ignore[attr-defined]
    traverse(shop, [Identity("email", "ann@x.example")])  # the tables are described once
    found = _statements(shop, lambda: traverse(shop, [Identity("email", "ann@x.example")]))
    checkouts: list[object] = []

    def checkout(*args: object) -> None:
        checkouts.append(args[0])

    event.listen(engine, "checkout", checkout)

    def run() -> None:
        with shop.unit_of_work(SYSTEM) as uow:
            export_subject(uow=uow, identities=[Identity("email", "ann@x.example")],
                           out=tmp_path / "ann.zip", purpose="access request")  # fmt: skip

    try:
        sent = _statements(shop, run)
    finally:
        event.remove(engine, "checkout", checkout)
    assert len(checkouts) == 1
    assert len(found) == 6  # seed, two owns hops, three context lookups
    assert len(sent) == len(found)
    # the same lookups, now reading the shown fields too (customer name, payment amount)
    assert any("FROM customer" in s and ".name" in s for s in sent)
    assert not any(".name" in s and "FROM customer" in s for s in found)
    assert any("FROM payment" in s and ".amount" in s for s in sent)
    with zipfile.ZipFile(tmp_path / "ann.zip") as archive:
        payments = json.loads(archive.read("shop/payment.json"))["records"]
        customers = json.loads(archive.read("shop/customer.json"))["records"]
    assert sorted(r["amount"] for r in payments) == [5, 7]  # Ann's, never Bob's
    assert [(r["relation"], r["name"]) for r in customers] == [("own", "Ann")]


def _records(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    """Each collection file's records (JSON) and rows (CSV), sorted: the order of records
    inside a file is not specified."""
    out: dict[str, list[str]] = {}
    for name in archive.namelist():
        if name.endswith(".json") and "/" in name:
            records = json.loads(archive.read(name))["records"]
            out[name] = sorted(json.dumps(r, sort_keys=True) for r in records)
        elif name.endswith(".csv"):
            head, *rows = archive.read(name).decode("utf-8-sig").splitlines()
            out[name] = [head, *sorted(rows)]
    return out


def test_af_d1_one_pass_export_equals_packaging_a_discovery_for_each_person(
    shop: Garant, tmp_path: Path
) -> None:
    """The one-pass export (discovery hands its rows to the package, statements cached
    and reused from one person to the next) writes the same files as packaging an
    existing discovery (``write_package``, rows read again): Ann's rows for Ann, Bob's
    for Bob, Ann's rental shown to Bob only as context."""
    from garant.subjects.export import write_package

    files = {}
    for email in ["ann@x.example", "bob@x.example", "ann@x.example"]:
        ids = [Identity("email", email)]
        with shop.unit_of_work(SYSTEM) as uow:
            export_subject(uow=uow, identities=ids, out=tmp_path / "one.zip", purpose="access")
            write_package(uow=uow, found=traverse(shop, ids), out=tmp_path / "two.zip")
        with (
            zipfile.ZipFile(tmp_path / "one.zip") as one,
            zipfile.ZipFile(tmp_path / "two.zip") as two,
        ):
            files[email] = _records(one)
            assert files[email] == _records(two)
    ann, bob = files["ann@x.example"], files["bob@x.example"]
    amounts = {
        who: sorted(json.loads(r)["amount"] for r in got["shop/payment.json"])
        for who, got in (("ann", ann), ("bob", bob))
    }
    assert amounts == {"ann": [5, 7], "bob": [4, 9]}
    bob_rentals = [json.loads(r) for r in bob.get("shop/rental.json", [])]
    assert all(r["relation"] == "context" for r in bob_rentals)


def test_af_d1_export_of_more_rows_than_a_batch(shop: Garant, tmp_path: Path) -> None:
    """Rows reach the package a thousand at a time: 2,500 more payments of Ann's are all
    written, once each, in valid JSON and CSV, and nobody else's."""
    engine = connector_for(shop, "shop").engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO payment VALUES (:id, 1, 10, :amount)"),
            [{"id": 1000 + i, "amount": i} for i in range(2500)],
        )
    with shop.unit_of_work(SYSTEM) as uow:
        result = export_subject(uow=uow, identities=[Identity("email", "ann@x.example")],
                                out=tmp_path / "ann.zip", purpose="access")  # fmt: skip
    with zipfile.ZipFile(tmp_path / "ann.zip") as archive:
        records = json.loads(archive.read("shop/payment.json"))["records"]
        rows = archive.read("shop/payment.csv").decode("utf-8-sig").splitlines()
    assert sorted(r["amount"] for r in records) == sorted([5, 7, *range(2500)])
    assert len(rows) == 1 + 2502
    assert result.manifest["counts"]["records"] == 1 + 2502  # customer, payments (rental: no field)
    payment = result.found.get("shop", "payment")
    assert payment is not None and set(payment.owned) == {(100,), (101,)} | {
        (1000 + i,) for i in range(2500)
    }


def test_af_d1_context_references_to_one_collection_share_one_lookup(
    tmp_path: Path, make_garant: Callable[..., Garant], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person's store and the stores of their orders: one lookup of ``stores`` for both
    references (each store shown once, as context), not one per reference."""
    url = f"sqlite:///{tmp_path / 'shops.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in [
            "CREATE TABLE stores (id INTEGER PRIMARY KEY, name VARCHAR(20))",
            "CREATE TABLE persons (id INTEGER PRIMARY KEY, email VARCHAR(50), store_id INTEGER)",
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, person_id INTEGER, store_id INTEGER)",
            "INSERT INTO stores VALUES (1, 'Lyon'), (2, 'Nice'), (3, 'Metz')",
            "INSERT INTO persons VALUES (1, 'ann@x.example', 1), (2, 'bob@x.example', 3)",
            "INSERT INTO orders VALUES (10, 1, 1), (11, 1, 2), (20, 2, 3)",
        ]:
            conn.execute(text(statement))
    engine.dispose()
    root = write_workspace(tmp_path / "ws")
    (root / "datamap.yaml").write_text(
        """\
systems:
  - id: shop
    kind: sqlite
    url_env: SHOPS_URL
    collections:
      - name: persons
        primary_key: id
        identity: {email: email}
        references: [{column: store_id, to: stores, meaning: context}]
      - name: orders
        primary_key: id
        references:
          - {column: person_id, to: persons, meaning: owns}
          - {column: store_id, to: stores, meaning: context}
      - name: stores
        primary_key: id
        shared: true
        fields: [{name: name, category: other, label: {fr: Nom, en: Name}}]
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("SHOPS_URL", url)
    garant = make_garant(name="ws")
    engine = connector_for(garant, "shop").engine  # type: ignore[attr-defined]
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: sent.append(str(a[2])))
    found = traverse(garant, [Identity("email", "ann@x.example")])
    stores = found.get("shop", "stores")
    assert stores is not None and set(stores.context) == {(1,), (2,)} and not stores.owned
    assert sum(1 for s in sent if "FROM stores" in s) == 1


def test_af_d1_each_row_is_taken_once_whatever_the_batch(shop: Garant) -> None:
    """A discovery's batch of new rows is taken whole (the fast path); a batch mixing rows
    already owned with new ones, and a row twice, gives the sink and the frontier each new
    row once, and never a row owned before."""
    from garant.subjects.find import _Walk

    system = shop.datamap.system("shop")
    coll = system.collection("payment")
    taken: list[tuple[str, list[tuple[int, ...]]]] = []

    class Sink:
        def columns(self, system: object, coll: object) -> list[str]:
            return ["amount"]

        def take(self, rowset: object, relation: str, names: list[str], rows: list[tuple]) -> None:
            taken.append((relation, [tuple(r) for r in rows]))

    walk = _Walk(system, connector_for(shop, "shop"), Sink())
    names = list(walk.select["payment"])
    at = {n: i for i, n in enumerate(names)}

    def row(pid: int, amount: int) -> tuple[object, ...]:
        values: list[object] = [None] * len(names)
        values[at["payment_id"]], values[at["amount"]] = pid, amount
        values[at["customer_id"]], values[at["rental_id"]] = 1, 10
        return tuple(values)

    walk.absorb(coll, [(names, [row(1, 5), row(2, 7)])])
    walk.absorb(coll, [(names, [row(2, 7), row(3, 9), row(3, 9), row(1, 5)])])
    walk.absorb(coll, [(names, [row(1, 5)])])
    assert not taken  # handed over when the next lookups are sent, or at the end
    walk.flush()
    assert [[r[at["payment_id"]] for r in rows] for _, rows in taken] == [[1, 2], [3]]
    assert {rel for rel, _ in taken} == {"own"}
    rowset = walk.sets["payment"]
    assert set(rowset.owned) == {(1,), (2,), (3,)}
    assert [r["payment_id"] for r in walk.frontier["payment"]] == [1, 2, 3]
