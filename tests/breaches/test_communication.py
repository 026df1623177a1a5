"""Telling the persons (AF-B3): found through the data map or given, told over real SMTP."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from garant.app import Garant
from garant.breaches.communication import communicate, exempt
from garant.breaches.models import BreachRecipient
from garant.breaches.schemas import Facts
from garant.breaches.service import assess_breach, get_breach
from garant.errors import InvalidInput
from garant.jobs.worker import run_due
from garant.web.app import create_app
from tests.breaches.conftest import DPO, record
from tests.breaches.scenarios import CASES
from tests.conftest import SmtpSink, use_smtp

AWARE = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
DATAMAP = """\
systems:
  - id: school
    kind: sqlite
    url_env: GARANT_TEST_BREACH_SCHOOL_URL_UNSET
    url: sqlite:///school.db
    collections:
      - name: members
        primary_key: id
        identity: {email: email}
        fields:
          - {name: email, category: contact, label: {fr: Courriel, en: Email}}
          - {name: name, category: identification, label: {fr: Nom, en: Name}}
      - name: orders
        primary_key: id
        references:
          - {column: member_id, to: members, meaning: owns}
        fields:
          - {name: amount, category: purchases, label: {fr: Montant, en: Amount}}
"""


def test_af_b3_communication_to_given_persons_read_from_smtp(
    dpo_garant: Garant, smtp_server: SmtpSink
) -> None:
    use_smtp(dpo_garant, smtp_server)
    breach = record(dpo_garant, AWARE)
    with dpo_garant.unit_of_work(DPO) as uow:
        result = assess_breach(
            uow=uow, ref=breach.reference, facts=Facts.model_validate(CASES["11"]["facts"])
        )
        assert result.inform_persons
        row = communicate(
            uow=uow,
            ref=breach.reference,
            identities=["anne@example.org", "Bob@Example.org", "bob@example.org "],
        )
        assert row.recipients == 2
    assert run_due(dpo_garant).failed == 0
    mails = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in mails) == ["Bob@Example.org", "anne@example.org"]
    body = mails[0].get_content()
    assert mails[0]["Subject"].startswith("Alliance Test : un incident de sécurité")
    # Art. 34(2): nature, contact point, likely consequences, measures
    for words in (
        "laptop with the members' file",
        "Claire Martin",
        "dpo@alliance.test",
        "Phishing using the members' names",
        "Remote wipe requested",
        "Coordonnées",
    ):
        assert words in body
    with dpo_garant.unit_of_work(DPO) as uow:
        again = communicate(uow=uow, ref=breach.reference, identities=["bob@example.org"])
        assert again.recipients == 0  # already told, under the same keyed hash
        told = uow.session.scalars(select(BreachRecipient)).all()
        assert len(told) == 2 and all("@" not in t.subject_ref for t in told)
        assert {t.subject_ref for t in told} == {
            uow.subject_ref("email", "anne@example.org"),
            uow.subject_ref("email", "bob@example.org"),
        }
    dpo_garant.keys.rotate()
    with dpo_garant.unit_of_work(DPO) as uow:  # a key rotation does not make them new people
        rotated = communicate(uow=uow, ref=breach.reference, identities=["anne@example.org"])
        assert rotated.recipients == 0


def test_af_b3_affected_persons_found_through_the_data_map(
    dpo_garant: Garant, smtp_server: SmtpSink
) -> None:
    db = sqlite3.connect(dpo_garant.workspace / "school.db")
    db.execute("create table members (id integer primary key, email text, name text)")
    db.executemany(
        "insert into members values (?, ?, ?)",
        [(1, "a@example.org", "A"), (2, "b@example.org", "B"), (3, None, "C")],
    )
    db.execute("create table orders (id integer primary key, member_id integer, amount int)")
    db.executemany("insert into orders values (?, ?, ?)", [(1, 2, 10), (2, 2, 20), (3, 3, 5)])
    db.commit()
    db.close()
    (dpo_garant.workspace / "datamap.yaml").write_text(DATAMAP, encoding="utf-8")
    dpo_garant.reload()
    use_smtp(dpo_garant, smtp_server)
    with pytest.raises(InvalidInput, match='systems: school.pupils: system "school" has no'):
        record(dpo_garant, AWARE, systems=["school.pupils"])
    breach = record(dpo_garant, AWARE, systems=["school.members"])
    with dpo_garant.unit_of_work(DPO) as uow:
        row = communicate(uow=uow, ref=breach.reference, lang="en")
        assert row.recipients == 2
    run_due(dpo_garant)
    mails = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in mails) == ["a@example.org", "b@example.org"]
    assert "a security incident concerning your personal data" in mails[0]["Subject"]
    # a collection without emails leads to its owners: only member 2 ordered (3 has no email)
    orders = record(dpo_garant, AWARE, systems=["school.orders"])
    with dpo_garant.unit_of_work(DPO) as uow:
        assert communicate(uow=uow, ref=orders.reference, lang="en").recipients == 1
    run_due(dpo_garant)
    assert smtp_server.wait_for(3)[2]["To"] == "b@example.org"


def test_af_b3_exemption_recorded_and_public_communication_required(dpo_garant: Garant) -> None:
    breach = record(dpo_garant, AWARE)
    with pytest.raises(InvalidInput, match="public communication"):
        with dpo_garant.unit_of_work(DPO) as uow:
            exempt(
                uow=uow,
                ref=breach.reference,
                exemption="disproportionate_effort",
                reason="No contact details for 40 000 former members.",
            )
    with dpo_garant.unit_of_work(DPO) as uow:
        exempt(
            uow=uow,
            ref=breach.reference,
            exemption="disproportionate_effort",
            reason="No contact details for 40 000 former members.",
            public_communication="Notice on the home page and in the lobby for 3 months.",
        )
    with dpo_garant.unit_of_work(DPO) as uow:
        stored = get_breach(uow=uow, ref=breach.reference)
        assert stored.no_communication_reason.startswith("disproportionate_effort:")
    page = TestClient(create_app(dpo_garant)).get("/privacy/breaches?lang=fr")
    assert page.status_code == 200  # the public communication itself, with Art. 34(2) items
    for words in (
        breach.reference,
        "Ce qui s'est passé",
        "laptop with the members",
        "Coordonnées",
        "Phishing using",
        "Remote wipe",
        "dpo@alliance.test",
    ):
        assert words in page.text.replace("&#39;", "'")
