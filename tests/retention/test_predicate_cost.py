"""Issue 15 (the sweep stays where docs/benchmarks.md has it): a row's due predicate does
not test again, row by row, what its own predicate already tests. An order owned only by
the person being deleted adds no subquery to the person's predicate (55e7a28 added one
per row: the sweep of 1,000,000 people took 3 times as long on PostgreSQL), while an
order with a second owner still keeps its owners while that one is held."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.dialects import sqlite

from garant.app import Garant
from garant.retention import holds
from garant.retention.sweep import open_session
from tests.conftest import write_workspace

POLICY = """\
controller:
  name: Bench Org
timezone: Europe/Paris
country: FR
retention_rules:
  - id: customers
    duration: 3 years
    start: {latest: [collected]}
    then: delete
    promises: [DEF-R1]
"""
DATAMAP = """\
version: 1
systems:
  - id: crm
    kind: sqlite
    url_env: PREDICATE_COST_URL
    collections:
      - name: people
        primary_key: id
        identity: {email: email}
        fields:
          - {name: email, category: contact, label: {fr: Courriel, en: Email}}
        retention: {rule: customers, dates: {collected: collected_at}}
      - name: orders
        primary_key: id
        references: [OWNERS]
        fields:
          - {name: item, category: purchases, label: {fr: Article, en: Item}}
"""
ONE = "{column: person_id, to: people, meaning: owns}"
TWO = ONE + ", {column: payer_id, to: people, meaning: owns}"


def people_predicate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, owners: str) -> str:
    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT, collected_at DATE)")
        conn.execute(
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, person_id INTEGER, payer_id INTEGER,"
            " item TEXT)"
        )
    monkeypatch.setenv("PREDICATE_COST_URL", f"sqlite:///{db}")
    root = write_workspace(tmp_path / "ws", policy=POLICY)
    (root / "datamap.yaml").write_text(DATAMAP.replace("OWNERS", owners), encoding="utf-8")
    garant = Garant.open(root)
    try:
        with garant.unit_of_work() as uow:
            holds.add_hold(uow=uow, reason="litigation", identity=("email", "held@example.org"))
        session = open_session(garant)
        try:
            (step,) = [s for s in session.steps if s.target.collection.name == "people"]
            return str(step.todo.compile(dialect=sqlite.dialect()))
        finally:
            session.close()
    finally:
        garant.close()


def test_a_child_of_the_deleted_row_alone_adds_no_subquery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "orders" not in people_predicate(tmp_path, monkeypatch, ONE)


def test_a_second_owner_of_a_child_is_still_tested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    predicate = people_predicate(tmp_path, monkeypatch, TWO)
    assert "orders" in predicate and "payer_id" in predicate
