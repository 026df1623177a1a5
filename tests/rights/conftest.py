# ruff: noqa: E501
"""A small school: a workspace with a policy, a data map and a SQLite database of learners.

Learner 1 (ada@example.org, L-001) has a past and a current enrolment, an invoice, a
newsletter subscription and website visits; learner 2 (bob@example.org) shares nothing
with her. Each test gets its own copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from garant.app import Garant
from garant.rights.schemas import RequestCreate

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

POLICY = """\
controller:
  name: École Exemple
timezone: Europe/Paris
country: FR
languages: [fr, en]
contacts:
  dpo: {name: Délégué, email: dpo@ecole.example}
supervisory_authority:
  name: CNIL
  address: 3 Place de Fontenoy, 75007 Paris
  website: https://www.cnil.fr
activities:
  - id: registration
    name: {fr: Inscriptions aux cours, en: Course registration}
    purposes: [{fr: Gérer les inscriptions, en: Manage registrations}]
    legal_basis: contract
    data_subjects: [learners]
    data_categories: [identification, contact]
    retention: registration
    recipients: [teachers]
    processors: [lms_host]
  - id: invoicing
    name: {fr: Facturation, en: Invoicing}
    purposes: [{fr: Facturer, en: Invoice}]
    legal_basis: legal_obligation
    data_subjects: [learners]
    data_categories: [identification, purchases]
    retention: invoices
  - id: newsletter
    name: {fr: Lettre d'information, en: Newsletter}
    purposes: [{fr: Informer des offres, en: Inform about offers}]
    legal_basis: consent
    consent_purpose: newsletter
    data_subjects: [prospects]
    data_categories: [contact]
    retention: newsletter
  - id: analytics
    name: {fr: Statistiques du site, en: Website statistics}
    purposes: [{fr: Améliorer le site, en: Improve the site}]
    legal_basis: legitimate_interests
    legitimate_interest: {fr: Améliorer nos services, en: Improve our services}
    data_subjects: [visitors]
    data_categories: [internet]
    retention: registration
recipients:
  - {id: teachers, kind: internal, label: {fr: Enseignants, en: Teachers}}
processors:
  - id: lms_host
    name: LMS Hosting
    service: {fr: Hébergement de la plateforme, en: Platform hosting}
    activities: [registration]
    countries: [FR]
consent_purposes:
  - id: newsletter
    activity: newsletter
    label: {fr: Lettre d'information, en: Newsletter}
    text: {fr: J'accepte de recevoir la lettre, en: I agree to receive the newsletter}
    version: "1"
    prospecting_basis: consent
retention_rules:
  - id: registration
    duration: 14 months
    start: {latest: [ended]}
  - id: newsletter
    duration: 3 years
    start: {latest: [collected]}
  - id: invoices
    duration: 1 year
    start: {latest: [issued]}
    archive: {duration: 10 years, statute: commercial_code_l123_22}
rights:
  channels: [web, email, post, api]
  identity_proof: code
  rights:
    - {right: objection, reason_required: true, no_reason_for: [newsletter]}
"""

DATAMAP = """\
version: 1
systems:
  - id: school
    kind: sqlite
    url_env: SCHOOL_TEST_DB_URL_UNSET
    url: sqlite:///school.db
    collections:
      - name: learners
        primary_key: id
        activity: registration
        identity: {email: email, member_number: learner_number}
        restriction: {column: restricted, value: 1}
        erasure: null
        fields:
          - {name: learner_number, category: identification, label: {fr: Numéro, en: Number}, erasure: pseudonym, portable: true}
          - {name: first_name, category: identification, label: {fr: Prénom, en: First name}, portable: true}
          - {name: last_name, category: identification, label: {fr: Nom, en: Last name}, portable: true}
          - {name: email, category: contact, label: {fr: E-mail, en: Email}, erasure: keyed_hash, portable: true}
          - {name: phone, category: contact, label: {fr: Téléphone, en: Phone}, erasure: mask}
          - {name: notes, category: other, label: {fr: Notes internes, en: Internal notes}, exclude: {reason: Internal assessment, basis: confidential}}
      - name: enrolments
        primary_key: id
        activity: registration
        portable: true
        retention: {rule: registration, dates: {ended: ends_on}}
        fields:
          - {name: course_code, category: other, label: {fr: Cours, en: Course}}
          - {name: ends_on, category: other, label: {fr: Fin, en: End}}
        references:
          - {column: learner_id, to: learners, meaning: owns}
      - name: invoices
        primary_key: id
        activity: invoicing
        immutable: true
        immutable_reason: An issued invoice may not be altered (Code de commerce L123-22)
        retention: {rule: invoices, dates: {issued: issued_on}}
        fields:
          - {name: number, category: purchases, label: {fr: Numéro, en: Number}}
          - {name: billed_name, category: identification, label: {fr: Nom facturé, en: Billed name}}
          - {name: amount, category: purchases, label: {fr: Montant, en: Amount}}
        references:
          - {column: learner_id, to: learners, meaning: owns}
      - name: newsletter
        primary_key: id
        activity: newsletter
        identity: {email: email}
        restriction: {column: restricted, value: 1}
        retention: {rule: newsletter, dates: {collected: subscribed_on}}
        fields:
          - {name: email, category: contact, label: {fr: E-mail, en: Email}, portable: true}
          - {name: subscribed_on, category: other, label: {fr: Inscrit le, en: Subscribed on}}
      - name: visits
        primary_key: id
        activity: analytics
        erasure: delete_row
        fields:
          - {name: page, category: internet, label: {fr: Page, en: Page}}
        references:
          - {column: learner_id, to: learners, meaning: owns}
"""

SCHEMA = """
CREATE TABLE learners (id INTEGER PRIMARY KEY, learner_number TEXT, first_name TEXT,
  last_name TEXT, email TEXT, phone TEXT, notes TEXT, restricted INTEGER);
CREATE TABLE enrolments (id INTEGER PRIMARY KEY, learner_id INTEGER REFERENCES learners(id),
  course_code TEXT, ends_on DATE);
CREATE TABLE invoices (id INTEGER PRIMARY KEY, learner_id INTEGER REFERENCES learners(id),
  number TEXT, billed_name TEXT, amount NUMERIC, issued_on DATE);
CREATE TABLE newsletter (id INTEGER PRIMARY KEY, email TEXT, subscribed_on DATE,
  restricted INTEGER);
CREATE TABLE visits (id INTEGER PRIMARY KEY, learner_id INTEGER REFERENCES learners(id), page TEXT,
  seen_on DATE, restricted INTEGER);
INSERT INTO learners VALUES
  (1, 'L-001', 'Ada', 'Lovelace', 'ada@example.org', '+33612345678', 'shy', NULL),
  (2, 'L-002', 'Bob', 'Martin', 'bob@example.org', '+33698765432', NULL, NULL);
INSERT INTO enrolments VALUES
  (10, 1, 'FR-A1', '2025-06-30'),
  (11, 1, 'FR-B1', '2026-06-30'),
  (12, 2, 'FR-A2', '2026-06-30');
INSERT INTO invoices VALUES
  (20, 1, 'F-2025-001', 'Ada Lovelace', 450, '2025-02-01'),
  (21, 2, 'F-2025-002', 'Bob Martin', 450, '2025-02-03');
INSERT INTO newsletter VALUES (30, 'ada@example.org', '2025-01-10', NULL),
  (31, 'bob@example.org', '2025-01-11', NULL);
INSERT INTO visits VALUES (40, 1, '/courses', '2024-01-05', NULL), (41, 1, '/prices', '2024-01-06', NULL),
  (42, 2, '/courses', '2024-01-07', NULL);
"""


def make_school_db(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript(SCHEMA)


def school_rows(workspace: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(workspace / "school.db") as conn:
        return list(conn.execute(sql))


RECEIVER_HOST = "127.0.0.1"
"""The tests' portability receivers listen here: allowed as a destination over plain http
(``[rights] transfer_allowed_hosts``), as a partner on an internal network would be."""


@pytest.fixture
def school(make_garant: Callable[..., Garant], store_url: str) -> Garant:
    """The school on each store backend (its connected database is SQLite)."""
    garant = make_garant(policy=POLICY, url=store_url, now=NOW)
    (garant.workspace / "datamap.yaml").write_text(DATAMAP, encoding="utf-8")
    make_school_db(garant.workspace / "school.db")
    garant.settings.rights.transfer_allowed_hosts = [RECEIVER_HOST]
    garant.reload()
    return garant


@pytest.fixture
def school_sqlite(make_garant: Callable[..., Garant], tmp_path: Path) -> Garant:
    garant = make_garant(policy=POLICY, url=f"sqlite:///{tmp_path / 'store.db'}", now=NOW)
    (garant.workspace / "datamap.yaml").write_text(DATAMAP, encoding="utf-8")
    make_school_db(garant.workspace / "school.db")
    garant.settings.rights.transfer_allowed_hosts = [RECEIVER_HOST]
    garant.reload()
    return garant


def ada(type: str, **extra: Any) -> RequestCreate:
    data: dict[str, Any] = {"type": type, "identities": {"email": "ada@example.org"}, "lang": "en"}
    return RequestCreate(**(data | extra))
