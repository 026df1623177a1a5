"""A school workspace with its own connected database, for stepping through time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from garant.app import Garant
from garant.clock import FixedClock
from garant.retention.approval import approved_once
from garant.retention.models import RetentionApproval
from tests.conftest import write_workspace

POLICY = """\
controller:
  name: École de test
timezone: Europe/Paris
country: FR
retention_rules:
  - id: registration
    duration: 14 months
    start: {latest: [collected, last_activity]}
    held_while: [active_learner, open_contract]
    then: delete
    promises: [AF-R1]
  - id: billing
    duration: 14 months
    start: {latest: [issued]}
    held_while: [unpaid_invoice]
    archive:
      duration: 10 years
      statute: commercial_code_l123_22
      anonymous: true
      fields: [billing_name, billing_address, amount, issued_on]
    then: delete
    promises: [DEF-R3, AF-R0]
  - id: newsletter
    duration: 3 years
    start: {latest: [collected, last_click, documentation_request]}
    then: delete
    promises: [AF-R2]
  - id: contracts
    duration: 3 years
    start: {latest: [executed]}
    archive:
      duration: 5 years
      statute: commercial_code_l110_4
      fields: [reference, amount, executed_on]
    then: delete
    promises: [DEF-R1, DEF-R3]
  - id: audience
    duration: 13 months
    start: {latest: [collected]}
    then: delete
    promises: [AF-R4, DEF-R2]
  - id: contact_requests
    duration: 1 year
    start: {latest: [processed]}
    then: anonymize
    promises: [AF-R3]
"""

DATAMAP = """\
version: 1
systems:
  - id: school
    kind: {kind}
    url_env: GARANT_TEST_SCHOOL_URL
    collections:
      - name: learners
        primary_key: id
        identity: {email: email}
        fields:
          - {name: email, category: contact, label: {fr: Courriel, en: Email}}
          - {name: name, category: identification, label: {fr: Nom, en: Name}}
        restriction: {column: restricted, value: 1}
        retention: {rule: registration, dates: {collected: registered_at, last_activity: last_seen}}
      - name: enrollments
        primary_key: id
        references: [{column: learner_id, to: learners, meaning: owns}]
        fields:
          - {name: course, category: education, label: {fr: Cours, en: Course}}
      - name: invoices
        primary_key: id
        references: [{column: learner_id, to: learners, meaning: owns}]
        fields:
          - {name: billing_name, category: identification, label: {fr: Nom, en: Name}}
          - {name: billing_address, category: contact, label: {fr: Adresse, en: Address}}
        retention: {rule: billing, dates: {issued: issued_on}}
      - name: subscribers
        primary_key: id
        identity: {email: email}
        fields:
          - {name: email, category: contact, label: {fr: Courriel, en: Email}}
        retention:
          rule: newsletter
          dates:
            collected: collected_at
            documentation_request: last_doc_request
            last_click: clicks.clicked_at
      - name: clicks
        primary_key: id
        references: [{column: subscriber_id, to: subscribers, meaning: owns}]
        fields:
          - {name: url, category: connection, label: {fr: Lien, en: Link}}
      - name: contracts
        primary_key: id
        identity: {email: customer_email}
        fields:
          - {name: customer_email, category: contact, label: {fr: Courriel, en: Email}}
          - {name: customer_name, category: identification, label: {fr: Nom, en: Name}}
        retention: {rule: contracts, dates: {executed: executed_on}}
      - name: audience_hits
        primary_key: id
        fields:
          - {name: cookie_id, category: internet, label: {fr: Traceur, en: Tracker}}
        retention: {rule: audience, dates: {collected: seen_at}}
      - name: contact_requests
        primary_key: id
        identity: {email: email}
        fields:
          - {name: email, category: contact, label: {fr: Courriel, en: Email}, erasure: "null"}
          - name: message
            category: communications
            label: {fr: Message, en: Message}
            erasure: fixed
            erasure_value: "[anonymized]"
        retention: {rule: contact_requests, dates: {processed: processed_at}}
"""

CONFIG = """\
batch_size: 2
max_share: 1
held_while:
  - condition: active_learner
    system: school
    collection: learners
    where: [{column: status, equals: active}]
  - condition: open_contract
    system: school
    collection: learners
    exists: {collection: enrollments, where: [{column: ends_on, on_or_after_today: true}]}
  - condition: unpaid_invoice
    system: school
    collection: invoices
    where: [{column: paid_on, is_null: true}]
"""

SCHEMA = [
    """CREATE TABLE learners (id INTEGER PRIMARY KEY, email TEXT, name TEXT, status TEXT,
       registered_at DATE, last_seen DATE, restricted INTEGER DEFAULT 0)""",
    """CREATE TABLE enrollments (id INTEGER PRIMARY KEY,
       learner_id INTEGER REFERENCES learners(id), course TEXT, ends_on DATE)""",
    """CREATE TABLE invoices (id INTEGER PRIMARY KEY, learner_id INTEGER REFERENCES learners(id),
       billing_name TEXT, billing_address TEXT, amount NUMERIC, issued_on DATE, paid_on DATE,
       notes TEXT)""",
    """CREATE TABLE subscribers (id INTEGER PRIMARY KEY, email TEXT, collected_at DATE,
       last_doc_request DATE)""",
    """CREATE TABLE clicks (id INTEGER PRIMARY KEY,
       subscriber_id INTEGER REFERENCES subscribers(id), url TEXT, clicked_at DATETIME)""",
    """CREATE TABLE contracts (id INTEGER PRIMARY KEY, reference TEXT, customer_email TEXT,
       customer_name TEXT, amount NUMERIC, executed_on DATE)""",
    "CREATE TABLE audience_hits (id INTEGER PRIMARY KEY, cookie_id TEXT, seen_at DATETIME)",
    """CREATE TABLE contact_requests (id INTEGER PRIMARY KEY, email TEXT, message TEXT,
       processed_at DATE)""",
]


def at(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC).replace(hour=9)


class School:
    """The workspace, its Garant and its connected database.

    With Garant's store on PostgreSQL the school's tables live in PostgreSQL too (the same
    test database), so the sweep's statements run on both backends.
    """

    def __init__(self, root: Path, store_url: str):
        self.root = root
        pg = store_url.startswith("postgresql")
        self.url = store_url if pg else f"sqlite:///{root / 'school.db'}"
        self.kind = "postgresql" if pg else "sqlite"
        self.engine = create_engine(self.url)
        self.store_url = store_url
        self.garant: Garant | None = None

    def open(self, day: str, *, approved: bool = True) -> Garant:
        """Garant on ``day``; ``approved``: the DPO has seen a forecast (sweeps may run)."""
        if self.garant is not None:
            self.garant.close()
        self.garant = Garant.open(self.root, clock=FixedClock(at(day)), database_url=self.store_url)
        if approved:
            with self.garant.unit_of_work() as uow:
                if not approved_once(uow):
                    uow.session.add(
                        RetentionApproval(
                            approved_at=uow.now(), approved_by="test", day=day, forecast={}
                        )
                    )
        return self.garant

    def sql(self, statement: str, **params: Any) -> list[Any]:
        with self.engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return list(result) if result.returns_rows else []

    def ids(self, table: str) -> list[int]:
        return [r[0] for r in self.sql(f"SELECT id FROM {table} ORDER BY id")]

    def close(self) -> None:
        if self.garant is not None:
            self.garant.close()
        self.engine.dispose()


@pytest.fixture
def school(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[School]:
    root = write_workspace(tmp_path / "school", policy=POLICY)
    world = School(root, store_url)
    monkeypatch.setenv("GARANT_TEST_SCHOOL_URL", world.url)
    datamap = DATAMAP.replace("{kind}", world.kind)
    (root / "datamap.yaml").write_text(datamap, encoding="utf-8")
    (root / "retention.yaml").write_text(CONFIG, encoding="utf-8")
    for statement in SCHEMA:
        if world.kind == "postgresql":
            statement = statement.replace("DATETIME", "TIMESTAMP")
        world.sql(statement)
    yield world
    world.close()


Opener = Callable[[str], Garant]
