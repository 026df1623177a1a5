"""A demo workspace seeded with one gap of each kind the live check looks for."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, String, insert
from sqlalchemy.types import JSON, LargeBinary

from garant.app import Garant
from garant.store.models import metadata

POLICY = """\
controller: {name: Demo School}
timezone: Europe/Paris
country: FR
languages: [en, fr]
special_categories: {processed: false}
activities:
  - id: registration
    name: {fr: Inscriptions, en: Registrations}
    purposes: [{fr: Inscrire les apprenants, en: Registering learners}]
    legal_basis: contract
    data_subjects: [learners]
    data_categories: [identification, contact]
    security_measures: [access_control]
  - id: newsletter
    name: {fr: Lettre, en: Newsletter}
    purposes: [{fr: Envoyer la lettre, en: Sending the newsletter}]
    legal_basis: consent
    consent_purpose: newsletter
    data_subjects: [subscribers]
    data_categories: [contact]
    retention: newsletter
retention_rules:
  - id: newsletter
    label: {fr: Abonnés, en: Subscribers}
    duration: 3 years
    start: {latest: [collected]}
    then: delete
consent_purposes:
  - id: newsletter
    activity: newsletter
    label: {fr: Lettre, en: Newsletter}
    text: {fr: "J'accepte la lettre", en: I accept the newsletter}
security_measures:
  - {id: access_control, category: access_control, label: {fr: Accès, en: Access control}}
"""

DATAMAP = """\
version: 1
systems:
  - id: school
    kind: sqlite
    url_env: DEMO_SCHOOL_URL_UNSET
    url: sqlite:///school.db
    collections:
      - name: learners
        primary_key: id
        activity: registration
        identity: {email: email}
        fields:
          - {name: first_name, category: identification, label: {fr: Prénom, en: First name}}
          - {name: last_name, category: identification, label: {fr: Nom, en: Last name}}
          - {name: email, category: contact, label: {fr: Courriel, en: Email}}
      - name: subscribers
        primary_key: id
        activity: newsletter
        identity: {email: email}
        retention: {rule: newsletter, dates: {collected: created_at}}
        fields:
          - {name: email, category: contact, label: {fr: Courriel, en: Email}}
          - {name: created_at, category: other, label: {fr: Inscrit le, en: Subscribed on}}
"""

PEOPLE = [
    ("Alice", "Martin", "alice@example.org", "06 12 34 56 78", "diabetic, insulin"),
    ("Bruno", "Petit", "bruno@example.org", "06 23 45 67 89", "asthma"),
    ("Chloé", "Durand", "chloe@example.org", "07 34 56 78 90", "none"),
    ("David", "Leroy", "david@example.org", "06 45 67 89 01", "allergy"),
]


def write_demo(root: Path) -> None:
    """The connected database: a mobile column the map forgets, a health column."""
    (root / "datamap.yaml").write_text(DATAMAP, encoding="utf-8")
    with sqlite3.connect(root / "school.db") as db:
        db.execute(
            "CREATE TABLE learners (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT,"
            " email TEXT, mobile_phone TEXT, health_condition TEXT)"
        )
        db.executemany(
            "INSERT INTO learners (first_name, last_name, email, mobile_phone, health_condition)"
            " VALUES (?, ?, ?, ?, ?)",
            PEOPLE,
        )
        db.execute("CREATE TABLE subscribers (id INTEGER PRIMARY KEY, email TEXT, created_at TEXT)")
        db.executemany(
            "INSERT INTO subscribers (email, created_at) VALUES (?, ?)",
            [
                ("alice@example.org", "2025-06-01 10:00:00"),
                ("eve@example.org", "2021-01-05 10:00:00"),
            ],
        )


def _filler(column: Any, now: datetime) -> Any:
    kind = getattr(column.type, "impl", column.type)
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, DateTime):
        return now
    if isinstance(kind, Date):
        return now.date()
    if isinstance(kind, Integer):
        return 0
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, LargeBinary):
        return b""
    if isinstance(kind, String):
        return "x"
    return "x"


def seed_row(garant: Garant, table: str, now: datetime, **values: Any) -> None:
    """Insert one row in another feature's table, filling what the test does not care about."""
    t = metadata.tables[table]
    row = {
        c.name: _filler(c, now)
        for c in t.c
        if not c.nullable and c.default is None and not c.primary_key and c.server_default is None
    }
    row.update(values)
    with garant.store.engine.begin() as conn:
        conn.execute(insert(t).values(**row))


def seed_gaps(garant: Garant) -> None:
    """A processor without contract, an overdue request, a missing consent, a removed
    measure; the data map misses a phone column and the database holds health data."""
    now = garant.clock.now()
    from garant.processors.schemas import ProcessorCreate
    from garant.processors.service import create_processor

    with garant.unit_of_work() as uow:
        create_processor(uow=uow, data=ProcessorCreate(name="NoContract", countries=["FR"]))
        uow.session.execute(
            insert(metadata.tables["consent_current"]).values(
                subject_ref=uow.subject_ref("email", "alice@example.org"),
                purpose="newsletter", given=True, basis="consent", at=now, event_id=1,
            )
        )  # fmt: skip
    seed_row(garant, "breach_breaches", now, id=7, reference="B-7", title="Lost laptop",
             aware_at=now - timedelta(hours=100), risk="risk", notify_authority=True)  # fmt: skip
    received = now.date() - timedelta(days=60)
    seed_row(garant, "rights_requests", now, id=41, type="access", status="received",
             received_day=received, due_day=received + timedelta(days=30),
             original_due_day=received + timedelta(days=30), closed_at=None)  # fmt: skip
    seed_row(garant, "policy_versions", now, number=1, content=POLICY.replace(
        "security_measures:\n  - {id: access_control",
        "security_measures:\n  - {id: backups, category: backup, label: {fr: Sauvegardes, "
        "en: Backups}}\n  - {id: access_control"), summary="first")  # fmt: skip


DEMO_DAY = date(2026, 3, 2)
