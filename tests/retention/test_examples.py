"""Both example workspaces on their demo databases, stepping through time (--as-of)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import create_engine, text

from garant.app import Garant
from garant.cli.common import cli_actor
from garant.clock import FixedClock
from garant.demo.generate import generate_database
from garant.retention import archive, holds, service, sweep
from tests.conftest import write_workspace

AF_CONDITIONS = """\
batch_size: 7
held_while:
  - condition: active_learner
    system: af
    collection: learners
    exists: {collection: enrolments, where: [{column: status, equals: active}]}
  - condition: open_contract
    system: af
    collection: orders
    where: [{column: status, in: [pending, open]}]
  - condition: unpaid_invoice
    system: af
    collection: orders
    where: [{column: status, equals: unpaid}]
"""

# The DEF demo has no payment status: "unpaid" is declared as an invoice without amount,
# which no demo invoice is, so that the test sees the rest of the rules at work.
DEF_CONDITIONS = """\
batch_size: 5
held_while:
  - condition: open_contract
    system: crm
    collection: contracts
    where: [{column: status, equals: active}, {column: ends_at, on_or_after_today: true}]
  - condition: open_contract
    system: crm
    collection: customers
    exists:
      collection: contracts
      where: [{column: status, equals: active}, {column: ends_at, on_or_after_today: true}]
  - condition: unpaid_invoice
    system: crm
    collection: invoices
    where: [{column: amount_cents, is_null: true}]
"""


class Example:
    def __init__(self, root: Path, store_url: str, db: Path):
        self.root, self.store_url = root, store_url
        self.engine = create_engine(f"sqlite:///{db}")
        self.garant: Garant | None = None

    def at(self, day: str) -> Garant:
        if self.garant is not None:
            self.garant.close()
        moment = datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)
        self.garant = Garant.open(
            self.root, clock=FixedClock(moment.replace(hour=9)), database_url=self.store_url
        )
        return self.garant

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return list(result) if result.returns_rows else []

    def count(self, table: str) -> int:
        return int(self.rows(f"SELECT count(*) FROM {table}")[0][0])


def _example(tmp_path: Path, store_url: str, name: str, conditions: str) -> Iterator[Example]:
    root = write_workspace(tmp_path / name, example=name)
    (root / "retention.yaml").write_text(conditions, encoding="utf-8")
    if name == "def-network":
        # The example binds orders to an event ("ordered") its rule does not name (the
        # rule starts at "collected"); until the example is fixed, the engine keeps every
        # order (tested below) and this copy names the event the rule expects.
        path = root / "datamap.yaml"
        fixed = path.read_text(encoding="utf-8").replace(
            "dates: {ordered: ordered_at}", "dates: {collected: ordered_at}"
        )
        path.write_text(fixed, encoding="utf-8")
    db = root / "demo" / f"{name}.db"
    db.parent.mkdir(exist_ok=True)
    generate_database(name, f"sqlite:///{db}", persons=14, seed=4, record=False)
    world = Example(root, store_url, db)
    yield world
    if world.garant is not None:
        world.garant.close()
    world.engine.dispose()


@pytest.fixture
def af(tmp_path: Path, store_url: str) -> Iterator[Example]:
    yield from _example(tmp_path, store_url, "alliance-francaise", AF_CONDITIONS)


@pytest.fixture
def def_network(tmp_path: Path, store_url: str) -> Iterator[Example]:
    yield from _example(tmp_path, store_url, "def-network", DEF_CONDITIONS)


def _as_date(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


def test_af_r1_af_r2_af_r0_alliance_francaise_through_time(af: Example) -> None:
    """AF-R1 (active learner kept past 14 months), AF-R2 (newsletter from the latest
    click), AF-R0 (invoices archived under the commercial code, then destroyed), DEF-R4."""
    learners = [r[0] for r in af.rows("SELECT id FROM learners ORDER BY id")]
    active, held = learners[0], learners[1]
    af.rows("UPDATE enrolments SET status = 'completed' WHERE learner_id != :a", a=active)
    af.rows("UPDATE enrolments SET status = 'active' WHERE learner_id = :a", a=active)
    held_email = af.rows("SELECT email FROM learners WHERE id = :i", i=held)[0][0]
    invoices_before = af.count("invoices")
    garant = af.at("2026-03-02")
    with garant.unit_of_work(cli_actor("dpo@example.org")) as uow:
        holds.add_hold(uow=uow, reason="litigation", identity=("email", held_email))
    assert any("NOT anonymous" in w for w in service.rule_warnings(garant))

    day = date(2028, 6, 1)
    subscribers = af.rows(
        "SELECT s.id, s.subscribed_at, max(c.clicked_at) FROM newsletter_subscribers s"
        " LEFT JOIN newsletter_clicks c ON c.subscriber_id = s.id GROUP BY s.id"
    )
    expected_subs = sorted(
        sid
        for sid, subscribed, click in subscribers
        if max(_as_date(subscribed), _as_date(click or subscribed)) + relativedelta(years=3) > day
    )
    record = sweep.run(af.at(day.isoformat()))
    assert record.counts["collections"]["af.invoices"]["archive"] > 0
    assert sorted(r[0] for r in af.rows("SELECT id FROM learners")) == [active, held]
    kept = af.rows(
        "SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id"
        " WHERE o.learner_id IN (:a, :h)",
        a=active,
        h=held,
    )[0][0]
    assert af.count("invoices") == kept
    left_subs = sorted(r[0] for r in af.rows("SELECT id FROM newsletter_subscribers"))
    assert left_subs == expected_subs
    garant = af.garant
    assert garant is not None
    with garant.unit_of_work() as uow:
        bundles = archive.list_bundles(uow=uow)
    invoice_bundles = [b for b in bundles if b.collection == "invoices"]
    assert sum(b.row_count for b in invoice_bundles) == invoices_before - kept, "archived"
    assert {"billing_name", "billing_address", "amount_cents"} <= set(invoice_bundles[0].fields)
    assert all(archive.verify_bundle(garant, b) == [] for b in bundles)

    record = sweep.run(af.at("2045-01-01"))
    assert record.counts["archives_destroyed"] == len(bundles)
    assert sorted(r[0] for r in af.rows("SELECT id FROM learners")) == [active, held]


def test_def_r1_def_r3_def_r6_def_network_contracts_archived_then_destroyed(
    def_network: Example,
) -> None:
    """DEF-R1 (customers 3 years), DEF-R3 (contracts to the archive for 5 years), DEF-R5,
    DEF-R6 (destroyed with proof), DEF-R4 (a held customer survives)."""
    world = def_network
    held_id, held_email = world.rows("SELECT id, email FROM customers ORDER BY id LIMIT 1")[0]
    contracts_before = world.count("contracts")
    held_contracts = world.rows("SELECT count(*) FROM contracts WHERE customer_id = :c", c=held_id)[
        0
    ][0]
    garant = world.at("2026-03-02")
    with garant.unit_of_work(cli_actor("dpo@example.org")) as uow:
        holds.add_hold(uow=uow, reason="court case", identity=("email", held_email))
    forecast = {(r["collection"], r["action"]): r for r in sweep.plan(garant)}
    assert forecast[("crm.contracts", "archive")]["due_now"] == 0, "contracts are active"

    record = sweep.run(world.at("2032-01-01"))
    assert record.counts["collections"]["crm.contracts"]["archive"] == (
        contracts_before - held_contracts
    )
    assert world.count("contracts") == held_contracts
    assert [r[0] for r in world.rows("SELECT id FROM customers")] == [held_id]
    garant = world.garant
    assert garant is not None
    with garant.unit_of_work() as uow:
        bundles = archive.list_bundles(uow=uow)
    contract_bundles = [b for b in bundles if b.collection == "contracts"]
    assert "reference" in contract_bundles[0].fields
    assert all(b.expires_at.year >= 2031 for b in contract_bundles)

    record = sweep.run(world.at("2045-01-01"))
    assert record.counts["archives_destroyed"] == len(bundles)
    folder = archive.archive_dir(world.garant)
    assert not list(folder.glob("*.bundle"))
    assert len(list(folder.glob("*.destroyed.json"))) == len(bundles)
    assert [r[0] for r in world.rows("SELECT id FROM customers")] == [held_id]
    assert world.count("contracts") == held_contracts


def test_an_unreadable_binding_keeps_its_rows_and_says_why(def_network: Example) -> None:
    """Never guess: a binding the engine cannot read is held whole, with the reason."""
    path = def_network.root / "datamap.yaml"
    text_ = path.read_text(encoding="utf-8")
    path.write_text(text_.replace("{collected: ordered_at}", "{ordered: ordered_at}"), "utf-8")
    garant = def_network.at("2040-01-01")
    orders = def_network.count("orders")
    (row,) = [r for r in sweep.plan(garant) if r["collection"] == "crm.orders"]
    assert row["due_now"] == 0 and row["held"] == orders
    assert any("not swept" in reason for reason in row["held_reasons"])
    sweep.run(garant)
    assert def_network.count("orders") == orders


def test_af_pd1_collections_without_limited_retention_are_named(af: Example) -> None:
    """AF-PD1: limited retention by design; personal data no rule limits is reported."""
    garant = af.at("2026-03-02")
    found = [w for w in service.rule_warnings(garant) if "AF-PD1" in w]
    named = {w.split(":", 1)[0] for w in found}
    bound = {f"af.{c.name}" for _, c in garant.datamap.all_collections() if c.retention}
    assert not named & bound
    owned = {"af.order_items", "af.newsletter_clicks"}
    assert not named & owned, "rows owned by rows under a rule go with them"
    for name in named:
        system, coll = name.split(".")
        collection = garant.datamap.collection(system, coll)
        assert collection.fields or collection.identity
